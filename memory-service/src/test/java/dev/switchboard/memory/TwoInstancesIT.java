package dev.switchboard.memory;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;

/**
 * Two packaged memory-service instances ({@code target/quarkus-app/quarkus-run.jar}, prod profile, each
 * with its own HTTP and management port, state directory and {@code HOSTNAME}, both connected as the broker
 * principal {@code memory} and trusting {@link TestTokens}) share one real broker and split the partitions of
 * {@code turns.cleared}, {@code replies.outbound} and the other sources between them. Every session is then asked
 * for from both instances with a real token: the owner answers from its store, the other forwards with the
 * caller's token, and both answers are the same. The owner checks a forwarded request like any other.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final String APPLICATION_ID = "switchboard-memory";
    private static final Duration STARTUP = Duration.ofSeconds(120);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final List<String> NAMES = List.of("Anna", "Bruno", "Chiara", "Dmitri", "Elif", "Farid",
            "Greta", "Hugo", "Ines", "Jonas", "Keiko", "Lars");
    private static final int SESSIONS_PER_PARTITION = 2;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String TENANT = TestEvents.TENANT;
    private static final String OTHER_TENANT = "globex";
    private static final String OPERATOR = TestTokens.operator(TENANT);
    private static final String AUDITOR = TestTokens.auditor(TENANT);

    private static final List<Instance> INSTANCES = new ArrayList<>();
    private static final UpstreamWriter UPSTREAM = new UpstreamWriter();
    private static Map<String, String> brokerSettings;
    private static Path tokenKey;

    @BeforeAll
    static void startTwoInstances() throws IOException {
        assertThat(JAR).as("the packaged service (built by the package phase)").exists();
        // the catalog topics, and the settings that connect a service as the broker principal memory
        KafkaTestResource kafka = new KafkaTestResource();
        kafka.init(Map.of("principal", "memory"));
        Map<String, String> kafkaSettings = kafka.start();

        Path runDir = Path.of("target", "two-instances", UUID.randomUUID().toString());
        Files.createDirectories(runDir);
        Path publicKey = runDir.resolve("token-public-key.pem");
        Files.writeString(publicKey, TestTokens.config().get("mp.jwt.verify.publickey"));

        brokerSettings = kafkaSettings;
        tokenKey = publicKey;
        INSTANCES.add(Instance.start("memory-a", runDir, kafkaSettings, publicKey, runDir.resolve("memory-a-state")));
        INSTANCES.add(Instance.start("memory-b", runDir, kafkaSettings, publicKey, runDir.resolve("memory-b-state")));
        for (Instance instance : INSTANCES) {
            await("instance " + instance.name + " ready (log: " + instance.log + ")")
                    .atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                    .until(() -> instance.managementStatus("/q/health/ready") == 200);
        }
    }

    @AfterAll
    static void stopInstances() {
        INSTANCES.forEach(Instance::stop);
        UPSTREAM.close();
    }

    @Test
    void everySessionAnswersTheSameFromEitherInstance() throws Exception {
        assertThat(Set.copyOf(awaitPartitionsSplit().values()))
                .as("each instance owns some of the " + Topics.DEFAULT_PARTITIONS + " partitions")
                .containsExactlyInAnyOrder("memory-a", "memory-b");

        List<String> sessions = sessionsOnEveryPartition();
        firstExchange(sessions, 10000, "It ships on Monday. Sorry for the wait.");
        for (int i = 0; i < sessions.size(); i++) {
            String session = sessions.get(i);
            send(Topics.TURNS_CLEARED, session,
                    turn(session, "t-2", "Thanks! Please answer in German from now on.", T0.plusSeconds(2)));
        }

        for (int i = 0; i < sessions.size(); i++) {
            String session = sessions.get(i);
            // an operator asks one instance and an auditor the other: each token travels with the forwarded request
            JsonNode fromA = awaitComplete(INSTANCES.get(0), session, OPERATOR);
            JsonNode fromB = awaitComplete(INSTANCES.get(1), session, AUDITOR);

            assertThat(fromA).as("session %s from both instances", session).isEqualTo(fromB);
            assertThat(fromA.path("sessionId").asText()).isEqualTo(session);
            assertThat(fromA.path("turns").asLong()).isEqualTo(2);
            assertThat(fromA.path("replies").asLong()).isEqualTo(1);
            assertThat(fromA.path("lastChannel").asText()).isEqualTo("webchat");
            // recent-messages=2: the first message left the window for the summary
            assertThat(fromA.path("recent").findValuesAsText("text")).containsExactly(
                    "It ships on Monday. Sorry for the wait.", "Thanks! Please answer in German from now on.");
            assertThat(fromA.path("summary").asText()).isEqualTo("user: My name is " + NAMES.get(i) + ".");
            assertThat(JSON.convertValue(fromA.path("facts"), Map.class)).isEqualTo(
                    Map.of("name", NAMES.get(i), "order", String.valueOf(10000 + i), "language", "German"));
        }

        // A forwarded request is answered by the receiving instance itself, never forwarded again, so only the
        // owner answers it with the session: each instance's own Streams metadata agrees with the assignment.
        await("each session answered directly by its owner only").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Map<Integer, String> owners = currentOwners();
                    Set<String> owning = new TreeSet<>();
                    for (String session : sessions) {
                        String owner = owners.get(partition(session));
                        owning.add(owner);
                        for (Instance instance : INSTANCES) {
                            int status = instance.status(path(TENANT, session), OPERATOR,
                                    "X-Switchboard-Forwarded-By", "localhost:1");
                            assertThat(status).as("%s asked directly for %s, owned by %s", instance.name, session, owner)
                                    .isEqualTo(instance.name.equals(owner) ? 200 : 503);
                        }
                    }
                    assertThat(owning).containsExactly("memory-a", "memory-b");
                });

        // Being marked as forwarded earns nothing: the owner still wants a valid token of the session's tenant.
        for (String session : sessions) {
            for (Instance instance : INSTANCES) {
                assertThat(instance.status(path(TENANT, session), null, "X-Switchboard-Forwarded-By", "localhost:1"))
                        .as("%s asked for %s without a token, marked as forwarded", instance.name, session)
                        .isEqualTo(401);
            }
        }
    }

    @Test
    void anotherTenantFindsNothingThroughEitherInstance() {
        awaitPartitionsSplit();
        String session = sessionsOnEveryPartition().get(0);
        send(Topics.TURNS_CLEARED, session, turn(session, "t-1", "My name is Zoe. Order 4242 please.", T0));
        // readable by its own tenant from both instances, so one of them answers by forwarding
        for (Instance instance : INSTANCES) {
            awaitComplete(instance, session, OPERATOR, 1, 0);
        }
        for (Instance instance : INSTANCES) {
            for (String token : List.of(TestTokens.operator(OTHER_TENANT), TestTokens.auditor(OTHER_TENANT))) {
                for (String tenant : List.of(TENANT, OTHER_TENANT)) {
                    HttpResponse<String> answer = instance.getQuietly(path(tenant, session), token);
                    assertThat(answer.statusCode()).as("%s: tenant %s's token on %s's path", instance.name,
                            OTHER_TENANT, tenant).isEqualTo(404);
                    assertThat(answer.body()).doesNotContain(session, TENANT, "Zoe", "4242");
                }
            }
            assertThat(instance.status(path(TENANT, session), TestTokens.user(TENANT, TestEvents.USER)))
                    .as("%s: an end user's token", instance.name).isEqualTo(403);
        }
    }

    /**
     * Runs last: it replaces instance b by one with an empty state directory (a crash that lost the disk, or a move to
     * a new machine). The store has no changelog, so the sessions of b's partitions must come back from
     * {@code sessions.state}: the next turn folds onto them instead of starting them over.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void aSessionGoesOnWhereItWasAfterItsInstanceLostItsState() throws Exception {
        awaitPartitionsSplit();
        List<String> sessions = sessionsOnEveryPartition();
        firstExchange(sessions, 20000, "It ships on Monday.");
        for (String session : sessions) {
            awaitComplete(INSTANCES.get(0), session, OPERATOR, 1, 1);
        }

        Instance lost = INSTANCES.get(1);
        lost.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        Path emptyDisk = lost.log.getParent().resolve("memory-b-new-disk");
        Instance replacement = Instance.start("memory-b", lost.log.getParent(), brokerSettings, tokenKey, emptyDisk);
        INSTANCES.set(1, replacement);
        await("replacement ready (log: " + replacement.log + ")").atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                .until(() -> replacement.managementStatus("/q/health/ready") == 200);

        for (String session : sessions) {
            send(Topics.TURNS_CLEARED, session, turn(session, "t-2", "Any news?", T0.plusSeconds(2)));
        }
        for (int i = 0; i < sessions.size(); i++) {
            JsonNode state = awaitComplete(INSTANCES.get(0), sessions.get(i), OPERATOR, 2, 1);
            assertThat(state.path("recent").findValuesAsText("text"))
                    .containsExactly("It ships on Monday.", "Any news?");
            assertThat(JSON.convertValue(state.path("facts"), Map.class))
                    .containsEntry("order", String.valueOf(20000 + i));
        }
        assertThat(Set.copyOf(awaitPartitionsSplit().values())).containsExactlyInAnyOrder("memory-a", "memory-b");
    }

    @Test
    void anUnknownSessionIsNotFoundFromEitherInstance() {
        String session = "never-seen-" + UUID.randomUUID();
        for (Instance instance : INSTANCES) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> instance.status(path(TENANT, session), OPERATOR) == 404);
        }
    }

    /** Turn t-1 of each session (a name and order number {@code firstOrder + i}) and its reply {@code answer}. */
    private static void firstExchange(List<String> sessions, int firstOrder, String answer) {
        for (int i = 0; i < sessions.size(); i++) {
            String session = sessions.get(i);
            send(Topics.TURNS_CLEARED, session, turn(session, "t-1",
                    "My name is " + NAMES.get(i) + ". Where is order " + (firstOrder + i) + "?", T0));
            send(Topics.REPLIES_OUTBOUND, session, reply(session, "t-1", "billing-agent", answer, T0.plusSeconds(1)));
        }
    }

    /** Partition → instance, once the group is stable with both instances holding some partitions. */
    private static Map<Integer, String> awaitPartitionsSplit() {
        AtomicReference<Map<Integer, String>> owners = new AtomicReference<>();
        await("the two instances split the partitions").atMost(WAIT).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    owners.set(currentOwners());
                    return Set.copyOf(owners.get().values()).size() == 2;
                });
        return owners.get();
    }

    /**
     * Partition of {@code turns.cleared} → the instance whose stream thread holds it (the active task), from
     * the group's current assignment; empty unless the group is stable with every partition assigned.
     */
    private static Map<Integer, String> currentOwners() throws InterruptedException, ExecutionException {
        try (Admin admin = Admin.create(new HashMap<String, Object>(EmbeddedKafka.shared().clientProperties("admin")))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(APPLICATION_ID))
                    .describedGroups().get(APPLICATION_ID).get();
            if (group.groupState() != GroupState.STABLE) {
                return Map.of();
            }
            Map<Integer, String> owners = new HashMap<>();
            for (MemberDescription member : group.members()) {
                for (TopicPartition partition : member.assignment().topicPartitions()) {
                    if (partition.topic().equals(Topics.TURNS_CLEARED.name())) {
                        owners.put(partition.partition(), instanceOf(member));
                    }
                }
            }
            return owners.size() == Topics.DEFAULT_PARTITIONS ? owners : Map.of();
        }
    }

    /** Kafka Streams suffixes each stream thread's group instance id with the thread's number. */
    private static String instanceOf(MemberDescription member) {
        String id = member.groupInstanceId().orElse("");
        return INSTANCES.stream().map(instance -> instance.name)
                .filter(name -> id.startsWith(APPLICATION_ID + "-" + name + "-"))
                .findFirst().orElse(id);
    }

    /** {@value #SESSIONS_PER_PARTITION} new session ids on each partition. */
    private static List<String> sessionsOnEveryPartition() {
        Map<Integer, Integer> perPartition = new HashMap<>();
        List<String> sessions = new ArrayList<>();
        for (int n = 0; sessions.size() < SESSIONS_PER_PARTITION * Topics.DEFAULT_PARTITIONS; n++) {
            String session = "s-" + n + "-" + UUID.randomUUID();
            if (perPartition.merge(partition(session), 1, Integer::sum) <= SESSIONS_PER_PARTITION) {
                sessions.add(session);
            }
        }
        return sessions;
    }

    /** The producer's default partitioner for a keyed record. */
    private static int partition(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % Topics.DEFAULT_PARTITIONS;
    }

    private static String path(String tenant, String session) {
        return "/v1/tenants/" + tenant + "/sessions/" + session;
    }

    /** The session from one instance once all three events are folded in (it may still be rebalancing). */
    private static JsonNode awaitComplete(Instance instance, String session, String token) {
        return awaitComplete(instance, session, token, 2, 1);
    }

    private static JsonNode awaitComplete(Instance instance, String session, String token, long turns, long replies) {
        AtomicReference<JsonNode> body = new AtomicReference<>();
        await("session " + session + " from " + instance.name).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<String> answer = instance.get(path(TENANT, session), token);
                    if (answer.statusCode() != 200) {
                        return false;
                    }
                    body.set(JSON.readTree(answer.body()));
                    return body.get().path("turns").asLong() == turns && body.get().path("replies").asLong() == replies;
                });
        return body.get();
    }

    /** Written as the topic's production writer (compliance, or the supervisor for replies). */
    private static void send(Topic<String, ?> topic, String session, SpecificRecord value) {
        int partition = UPSTREAM.send(topic, session, value).partition();
        assertThat(partition).as("partition of %s", session).isEqualTo(partition(session));
    }

    /** One memory-service process run from the packaged jar. */
    private static final class Instance {

        final String name;
        final int port;
        final int managementPort;
        final Path log;
        final Process process;

        private Instance(String name, int port, int managementPort, Path log, Process process) {
            this.name = name;
            this.port = port;
            this.managementPort = managementPort;
            this.log = log;
            this.process = process;
        }

        /**
         * @param kafka     the broker settings of the principal memory, passed in the environment (they hold its
         *                  password, which a command line would show to every user of the machine)
         * @param publicKey the PEM file of the key that signs {@link TestTokens}
         */
        static Instance start(String name, Path runDir, Map<String, String> kafka, Path publicKey, Path stateDir)
                throws IOException {
            int port = freePort();
            int managementPort = freePort();
            Path log = runDir.resolve(name + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java,
                    "-Xmx256m", "-XX:+UseSerialGC",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.management.port=" + managementPort,
                    "-Dmp.jwt.verify.publickey.location=file:" + publicKey.toAbsolutePath(),
                    "-Dmp.jwt.verify.issuer=" + TestTokens.ISSUER,
                    "-Dkafka-streams.state.dir=" + stateDir.toAbsolutePath(),
                    "-Dswitchboard.memory.recent-messages=2",
                    "-jar", JAR.toAbsolutePath().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // the production JAAS template of application.properties builds the login from the user name and password
            for (String key : List.of("kafka.bootstrap.servers", "kafka.security.protocol", "kafka.sasl.mechanism",
                    "switchboard.kafka.username", "switchboard.kafka.password")) {
                builder.environment().put(environmentName(key), kafka.get(key));
            }
            // the stable per-instance name that makes the group instance id (application.properties)
            builder.environment().put("HOSTNAME", name);
            Process process = builder.start();
            Instance instance = new Instance(name, port, managementPort, log, process);
            // should the test JVM end without @AfterAll, do not leave the service running
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-" + name));
            return instance;
        }

        /** The property's name as an environment variable (MicroProfile Config's mapping). */
        private static String environmentName(String property) {
            return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
        }

        /** A GET on the application port, with {@code token} as bearer token unless it is null. */
        HttpResponse<String> get(String path, String token, String... headers) throws IOException, InterruptedException {
            return send(port, path, token, headers);
        }

        HttpResponse<String> getQuietly(String path, String token) {
            try {
                return get(path, token);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** The HTTP status of a GET, or -1 while the instance does not accept connections. */
        int status(String path, String token, String... headers) {
            return statusOf(port, path, token, headers);
        }

        /** The status of a GET on the management interface (health), or -1 while it is not up. */
        int managementStatus(String path) {
            return statusOf(managementPort, path, null);
        }

        private static int statusOf(int port, String path, String token, String... headers) {
            try {
                return send(port, path, token, headers).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        private static HttpResponse<String> send(int port, String path, String token, String... headers)
                throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(15));
            if (token != null) {
                request.header("Authorization", TestTokens.bearer(token));
            }
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        void stop() {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }
}
