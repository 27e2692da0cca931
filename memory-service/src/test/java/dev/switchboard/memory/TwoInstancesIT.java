package dev.switchboard.memory;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroSerializer;
import dev.switchboard.testkit.EmbeddedKafka;

/**
 * Two packaged memory-service instances ({@code target/quarkus-app/quarkus-run.jar}, prod profile, each
 * with its own HTTP port, state directory and {@code HOSTNAME}) share one real broker and split the
 * partitions of {@code turns.cleared}, {@code replies.outbound} and the other sources between them. Every
 * session is then asked for from both instances: the owner answers from its store, the other forwards, and
 * both answers are the same.
 */
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

    private static String bootstrap;
    private static final List<Instance> INSTANCES = new ArrayList<>();

    @BeforeAll
    static void startTwoInstances() throws IOException {
        assertThat(JAR).as("the packaged service (built by the package phase)").exists();
        bootstrap = EmbeddedKafka.shared().bootstrapServers();
        new TopicProvisioner(bootstrap, Topics.DEFAULT_PARTITIONS, (short) 1).ensure(Topics.all(List.of()));

        Path runDir = Path.of("target", "two-instances", UUID.randomUUID().toString());
        Files.createDirectories(runDir);
        INSTANCES.add(Instance.start("memory-a", runDir));
        INSTANCES.add(Instance.start("memory-b", runDir));
        for (Instance instance : INSTANCES) {
            await("instance " + instance.name + " ready (log: " + instance.log + ")")
                    .atMost(STARTUP).pollInterval(Duration.ofMillis(500))
                    .until(() -> instance.status("/q/health/ready") == 200);
        }
    }

    @AfterAll
    static void stopInstances() {
        INSTANCES.forEach(Instance::stop);
    }

    @Test
    void everySessionAnswersTheSameFromEitherInstance() throws Exception {
        assertThat(Set.copyOf(awaitPartitionsSplit().values()))
                .as("each instance owns some of the " + Topics.DEFAULT_PARTITIONS + " partitions")
                .containsExactlyInAnyOrder("memory-a", "memory-b");

        List<String> sessions = sessionsOnEveryPartition();
        try (KafkaProducer<String, SpecificRecord> producer = producer()) {
            for (int i = 0; i < sessions.size(); i++) {
                String session = sessions.get(i);
                send(producer, Topics.TURNS_CLEARED.name(), session,
                        turn(session, "t-1", "My name is " + NAMES.get(i) + ". Where is order " + (10000 + i) + "?", T0));
                send(producer, Topics.REPLIES_OUTBOUND.name(), session,
                        reply(session, "t-1", "billing-agent", "It ships on Monday. Sorry for the wait.", T0.plusSeconds(1)));
                send(producer, Topics.TURNS_CLEARED.name(), session,
                        turn(session, "t-2", "Thanks! Please answer in German from now on.", T0.plusSeconds(2)));
            }
        }

        for (int i = 0; i < sessions.size(); i++) {
            String session = sessions.get(i);
            JsonNode fromA = awaitComplete(INSTANCES.get(0), session);
            JsonNode fromB = awaitComplete(INSTANCES.get(1), session);

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
                            int status = instance.status("/v1/sessions/" + session,
                                    "X-Switchboard-Forwarded-By", "localhost:1");
                            assertThat(status).as("%s asked directly for %s, owned by %s", instance.name, session, owner)
                                    .isEqualTo(instance.name.equals(owner) ? 200 : 503);
                        }
                    }
                    assertThat(owning).containsExactly("memory-a", "memory-b");
                });
    }

    @Test
    void anUnknownSessionIsNotFoundFromEitherInstance() {
        String session = "never-seen-" + UUID.randomUUID();
        for (Instance instance : INSTANCES) {
            await().atMost(WAIT).pollInterval(Duration.ofMillis(200))
                    .until(() -> instance.status("/v1/sessions/" + session) == 404);
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
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
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

    /** The session from one instance once all three events are folded in (it may still be rebalancing). */
    private static JsonNode awaitComplete(Instance instance, String session) {
        AtomicReference<JsonNode> body = new AtomicReference<>();
        await("session " + session + " from " + instance.name).atMost(WAIT).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    HttpResponse<String> answer = instance.get("/v1/sessions/" + session);
                    if (answer.statusCode() != 200) {
                        return false;
                    }
                    body.set(JSON.readTree(answer.body()));
                    return body.get().path("turns").asLong() == 2 && body.get().path("replies").asLong() == 1;
                });
        return body.get();
    }

    private static KafkaProducer<String, SpecificRecord> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new AvroSerializer());
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, String session,
            SpecificRecord value) throws InterruptedException, ExecutionException {
        int partition = producer.send(new ProducerRecord<>(topic, session, value)).get().partition();
        assertThat(partition).as("partition of %s", session).isEqualTo(partition(session));
    }

    /** One memory-service process run from the packaged jar. */
    private static final class Instance {

        final String name;
        final int port;
        final Path log;
        final Process process;

        private Instance(String name, int port, Path log, Process process) {
            this.name = name;
            this.port = port;
            this.log = log;
            this.process = process;
        }

        static Instance start(String name, Path runDir) throws IOException {
            int port = freePort();
            Path log = runDir.resolve(name + ".log");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder builder = new ProcessBuilder(java,
                    "-Xmx256m", "-XX:+UseSerialGC",
                    "-Dkafka.bootstrap.servers=" + bootstrap,
                    "-Dquarkus.http.port=" + port,
                    "-Dkafka-streams.state.dir=" + runDir.resolve(name + "-state").toAbsolutePath(),
                    "-Dswitchboard.memory.recent-messages=2",
                    "-jar", JAR.toAbsolutePath().toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // the stable per-instance name that makes the group instance id (application.properties)
            builder.environment().put("HOSTNAME", name);
            Process process = builder.start();
            Instance instance = new Instance(name, port, log, process);
            // should the test JVM end without @AfterAll, do not leave the service running
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly, "stop-" + name));
            return instance;
        }

        HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .timeout(Duration.ofSeconds(15));
            if (headers.length > 0) {
                request.headers(headers);
            }
            return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
        }

        /** The HTTP status of a GET, or -1 while the instance does not accept connections. */
        int status(String path, String... headers) {
            try {
                return get(path, headers).statusCode();
            } catch (IOException e) {
                return -1;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
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
