package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.deploy.Api.Answer;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Usage;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.runtime.security.TokenMint;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.TopicReader;

/**
 * The trust boundaries of the running system, tried from outside as an attacker would: every HTTP route of every
 * service (read from the services' own route lists) against missing, expired, forged, misaddressed, wrong-role and
 * other-tenant tokens; session ids; a forged agent result; the broker's ACLs with a service's and an agent's own
 * credentials; and a rewritten audit chain.
 */
class SecurityIT {

    static final String DEMO = LocalStack.DEMO_TENANT;
    static final String GLOBEX = LocalStack.OTHER_TENANT;
    static final List<String> MODULES = List.of("gateway-service", "compliance-service", "supervisor-service",
            "agent-service", "memory-service");

    static LocalStack stack;
    static String demoUser;
    static String demoSession;
    static String globexUser;
    static String globexSession;

    @BeforeAll
    static void talkAsTwoTenants() throws Exception {
        stack = SharedStack.get();
        demoUser = "dora-" + UUID.randomUUID();
        Answer demo = Api.demoMessage(demoUser, "Hello, I am dora@example.com", 30);
        assertThat(demo.status()).as(demo.body()).isEqualTo(200);
        demoSession = demo.json().path("sessionId").asText();
        globexUser = "gus-" + UUID.randomUUID();
        Answer globex = Api.message(GLOBEX, LocalStack.OTHER_API_KEY, globexUser, "Hello from globex", 30);
        assertThat(globex.status()).as(globex.body()).isEqualTo(200);
        globexSession = globex.json().path("sessionId").asText();
    }

    static String token(String tenant, String role) {
        return stack.tokenMint().mint(role.equals(Roles.USER) ? demoUser : role + "-1", tenant, List.of(role),
                Duration.ofMinutes(10));
    }

    /** One route of one service, from its OpenAPI document, with the path parameters filled in. */
    record Route(String module, String method, String template) {

        String path(String tenant, String session) {
            return template.replace("{tenant}", tenant).replace("{sessionId}", session).replace("{user}", demoUser)
                    .replace("{channel}", "whatsapp").replaceAll("\\{[^}]+}", "x");
        }

        boolean webhook() {
            return template.startsWith("/v1/channels/");
        }

        /** The role that may use the route; another role of the same tenant is refused. */
        String rightRole() {
            if (module.equals("gateway-service")) {
                return Roles.USER;
            }
            if (template.contains("/dead-letters")) {
                return Roles.OPERATOR; // an operator's tool, its reads too
            }
            return method.equals("GET") ? Roles.AUDITOR : Roles.OPERATOR;
        }

        String wrongRole() {
            return module.equals("gateway-service") ? Roles.AUDITOR : Roles.USER;
        }

        Answer call(String tenant, String session, String token) throws Exception {
            return Api.send(method, module, path(tenant, session), token, method.equals("GET") || method.equals("DELETE")
                    ? null : Map.of());
        }

        @Override
        public String toString() {
            return module + " " + method + " " + template;
        }
    }

    /** Every route of every service, as the running services list them (so a new route is checked without asking). */
    static List<Route> routes() throws Exception {
        List<Route> routes = new ArrayList<>();
        for (String module : MODULES) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:"
                    + stack.settings().managementPort(module) + "/q/openapi?format=json")).build();
            JsonNode document = Api.JSON.readTree(Api.HTTP.send(request,
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
            for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                    String method = methods.next();
                    if (List.of("get", "post", "put", "delete", "patch").contains(method)) {
                        routes.add(new Route(module, method.toUpperCase(java.util.Locale.ROOT), path.getKey()));
                    }
                }
            }
        }
        return routes;
    }

    @Test
    void everyRouteOfEveryServiceRefusesCallersWithoutTheRightTokenOfTheRightTenant() throws Exception {
        List<Route> routes = routes();
        assertThat(routes).as("routes found in the services' own route lists").hasSizeGreaterThan(15);
        assertThat(routes).allSatisfy(route -> assertThat(route.template()).as(route.toString())
                .matches("/v1/(tenants|channels)/\\{tenant}.*"));
        TokenMint forger = TokenMint.generate(TokenMint.LOCAL_ISSUER);
        Instant now = Instant.now();
        List<String> failures = new ArrayList<>();
        for (Route route : routes) {
            if (route.webhook()) {
                // Authenticated by the platform's signature: an unsigned request is refused.
                int unsigned = route.call(DEMO, demoSession, null).status();
                if (unsigned != 401 && unsigned != 403 && !(route.method().equals("GET") && unsigned == 400)) {
                    failures.add(route + ": unsigned webhook answered " + unsigned);
                }
                continue;
            }
            Map<String, String> refused = new HashMap<>();
            refused.put("no token", null);
            refused.put("expired", stack.tokenMint().mint("late", DEMO, List.of(route.rightRole()),
                    TokenMint.AUDIENCE, now.minusSeconds(7200), now.minusSeconds(60)));
            refused.put("forged", forger.mint("forger", DEMO, List.of(route.rightRole()), Duration.ofMinutes(5)));
            refused.put("other audience", stack.tokenMint().mint("other", DEMO, List.of(route.rightRole()),
                    "another-api", now, now.plusSeconds(600)));
            for (Map.Entry<String, String> attempt : refused.entrySet()) {
                expect(failures, route, attempt.getKey(), route.call(DEMO, demoSession, attempt.getValue()), 401);
            }
            expect(failures, route, "wrong role " + route.wrongRole(),
                    route.call(DEMO, demoSession, token(DEMO, route.wrongRole())), 403);
            Answer otherTenant = route.call(DEMO, demoSession, token(GLOBEX, route.rightRole()));
            expect(failures, route, "other tenant's token", otherTenant, 404);
            if (otherTenant.body().contains(demoSession) || otherTenant.body().contains(demoUser)) {
                failures.add(route + ": another tenant's answer names the session or its user");
            }
            if (route.template().contains("{sessionId}")) {
                expect(failures, route, "own tenant's token, another tenant's session",
                        route.call(GLOBEX, demoSession, token(GLOBEX, route.rightRole())), 404);
            }
            int right = route.call(DEMO, demoSession, token(DEMO, route.rightRole())).status();
            if (right == 401 || right == 403) {
                failures.add(route + ": the right token was refused with " + right);
            }
        }
        assertThat(failures).isEmpty();
        System.out.printf("[security] %d routes of %d services checked against 7 kinds of caller each%n",
                routes.size(), MODULES.size());
    }

    private static void expect(List<String> failures, Route route, String who, Answer answer, int status) {
        if (answer.status() != status) {
            failures.add(route + ": " + who + " answered " + answer.status() + " (expected " + status + ") " + answer.body());
        } else if (!answer.body().isEmpty() && !answer.body().contains("\"status\":" + status)) {
            failures.add(route + ": " + who + " answered without a problem body: " + answer.body());
        }
    }

    @Test
    void tenantBsOperatorAndAuditorReadNothingOfTenantA() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Api.get("memory-service", "/v1/tenants/demo/sessions/" + demoSession, token(DEMO, Roles.AUDITOR)).status() == 200);
        List<String> reads = List.of(
                "compliance-service /v1/tenants/%s/audit/sessions/%s",
                "compliance-service /v1/tenants/%s/audit/sessions/%s/timeline",
                "compliance-service /v1/tenants/%s/audit/verify",
                "compliance-service /v1/tenants/%s/compliance-policy",
                "memory-service /v1/tenants/%s/sessions/%s",
                "supervisor-service /v1/tenants/%s/budgets",
                "supervisor-service /v1/tenants/%s/sessions/%s/budget",
                "supervisor-service /v1/tenants/%s/sessions/%s/escalation",
                "supervisor-service /v1/tenants/%s/supervisor-policy");
        for (String read : reads) {
            String module = read.substring(0, read.indexOf(' '));
            String template = read.substring(read.indexOf(' ') + 1);
            Answer own = Api.get(module, String.format(template, DEMO, demoSession), token(DEMO, Roles.AUDITOR));
            assertThat(own.status()).as("demo's auditor on " + read + ": " + own.body()).isNotIn(401, 403);
            for (String role : List.of(Roles.OPERATOR, Roles.AUDITOR)) {
                // Its own tenant's path naming demo's session must not find it either; tenant-wide reads of its own
                // tenant are globex's own business.
                for (String tenant : template.contains("/sessions/") ? List.of(DEMO, GLOBEX) : List.of(DEMO)) {
                    Answer other = Api.get(module, String.format(template, tenant, demoSession), token(GLOBEX, role));
                    assertThat(other.status()).as("globex " + role + " on " + String.format(template, tenant, demoSession))
                            .isEqualTo(404);
                    assertThat(other.body()).doesNotContain(demoSession).doesNotContain(demoUser).doesNotContain("dora");
                }
            }
        }
    }

    @Test
    void sessionIdsCannotBeComputedFromTenantAndUser() {
        String nameBased = UUID.nameUUIDFromBytes((DEMO + "\u0000" + demoUser).getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(demoSession).isNotEqualTo(nameBased).doesNotContain(demoUser);
        assertThat(globexSession).isNotEqualTo(demoSession);
    }

    @Test
    void aForgedAgentResultNamingAnotherTenantsSessionReachesNobodyAndIsRefusedInTheTasksChain() throws Exception {
        AgentTask demoTask = firstTask(demoSession);
        assertThat(demoTask.getTicket()).as("the supervisor signs every task").isNotBlank();
        AgentTask globexTask = firstTask(globexSession);
        Envelope victim = globexTask.getEnvelope();
        String marker = "FORGED-" + UUID.randomUUID();
        AgentResult forged = AgentResult.newBuilder()
                .setEnvelope(Envelope.newBuilder(victim).setEventId(UUID.randomUUID().toString())
                        .setOccurredAt(Instant.now()).build())
                .setTaskId(demoTask.getTaskId()).setAgent(demoTask.getAgent()).setTicket(demoTask.getTicket())
                .setOutcome(Outcome.REPLY).setReply(marker)
                .setUsage(Usage.newBuilder().setInputTokens(1).setOutputTokens(1).setIterations(1).build())
                .build();
        try (KafkaProducer<byte[], byte[]> producer = producer("agent-concierge")) {
            producer.send(record(Topics.AGENT_RESULTS_RAW, globexSession, forged)).get();
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(auditRows(DEMO, demoTask.getTaskId())).as("refused in the chain of the task's own tenant")
                        .anySatisfy(decision -> assertThat(decision).isEqualTo("REFUSED")));
        assertThat(auditRows(GLOBEX, demoTask.getTaskId())).as("nothing in the named tenant's chain").isEmpty();
        // Compliance has handled the forged record by now: nothing of it was cleared or replied.
        assertThat(values(Topics.AGENT_RESULTS_CLEARED, globexSession)).extracting(v -> ((AgentResult) v).getReply())
                .doesNotContain(marker);
        assertThat(values(Topics.REPLIES_OUTBOUND, globexSession)).extracting(v -> ((ReplyOutbound) v).getText())
                .noneSatisfy(text -> assertThat(text).contains(marker));
    }

    @Test
    void theBrokerHoldsEveryPrincipalToItsOwnTopics() throws Exception {
        try (KafkaConsumer<byte[], byte[]> agent = consumer("agent-concierge")) {
            agent.assign(List.of(new TopicPartition(Topics.TURNS_RAW.name(), 0)));
            agent.seekToBeginning(agent.assignment());
            assertThatThrownBy(() -> agent.poll(Duration.ofSeconds(5))).as("an agent reads unredacted turns")
                    .isInstanceOf(AuthorizationException.class);
        }
        for (Topic<String, ?> topic : List.of(Topics.TURNS_CLEARED, Topics.REPLIES_OUTBOUND, Topics.REPLIES_ROUTED,
                Topics.agentTasks("billing-agent"))) {
            assertRefusedWrite("agent-concierge", topic);
        }
        assertRefusedWrite("gateway", Topics.TURNS_CLEARED);
        assertRefusedWrite("gateway", Topics.REPLIES_ROUTED);
        assertRefusedWrite("gateway", Topics.AUDIT_ANCHORS);
        try (KafkaProducer<byte[], byte[]> agent = producer("agent-concierge")) {
            agent.send(new ProducerRecord<>(Topics.AGENT_RESULTS_RAW.name(), "k".getBytes(), "not an event".getBytes())).get();
        }
    }

    @Test
    void rewritingTheTailAndHeadOfAChainInTheDatabaseIsDetected() throws Exception {
        String auditor = token(GLOBEX, Roles.AUDITOR);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode report = Api.get("compliance-service", "/v1/tenants/globex/audit/verify", auditor).json();
            assertThat(report.path("valid").asBoolean()).as(report.toString()).isTrue();
            assertThat(report.toString()).contains("anchor");
        });
        Thread.sleep(3000); // let compliance anchor the head it has
        // The last two rows of the tenant's longest chain (a tenant has one chain per source partition).
        try (Connection db = DriverManager.getConnection(stack.settings().jdbcUrl(), "postgres", "postgres");
             PreparedStatement cut = db.prepareStatement("""
                     delete from audit_events a using (
                         select chain_partition, chain_seq from audit_events
                          where tenant = ? and chain_seq is not null order by chain_seq desc limit 1) longest
                      where a.tenant = ? and a.chain_partition = longest.chain_partition
                        and a.chain_seq >= longest.chain_seq - 1""")) {
            cut.setString(1, GLOBEX);
            cut.setString(2, GLOBEX);
            assertThat(cut.executeUpdate()).isEqualTo(2);
        }
        JsonNode report = Api.get("compliance-service", "/v1/tenants/globex/audit/verify", auditor).json();
        assertThat(report.path("valid").asBoolean()).as(report.toString()).isFalse();
        assertThat(report.toString().toLowerCase(java.util.Locale.ROOT)).contains("anchor");
    }

    private static AgentTask firstTask(String session) {
        try (var tasks = TopicReader.fromBeginning(stack.clientProperties("admin"), Topics.agentTasks("concierge"))) {
            return tasks.first(session, Duration.ofSeconds(30)).value();
        }
    }

    private static List<String> auditRows(String tenant, String taskId) throws Exception {
        try (Connection db = DriverManager.getConnection(stack.settings().jdbcUrl(), "postgres", "postgres");
             PreparedStatement query = db.prepareStatement(
                     "select decision from audit_events where tenant = ? and task_id = ? and event_type = 'RESULT_REFUSED'")) {
            query.setString(1, tenant);
            query.setString(2, taskId);
            List<String> decisions = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    decisions.add(rows.getString(1));
                }
            }
            return decisions;
        }
    }

    private static void assertRefusedWrite(String principal, Topic<String, ?> topic) {
        try (KafkaProducer<byte[], byte[]> producer = producer(principal)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic.name(), "k".getBytes(), "v".getBytes())).get())
                    .as(principal + " writes " + topic)
                    .satisfiesAnyOf(
                            e -> assertThat(e).isInstanceOf(AuthorizationException.class),
                            e -> assertThat(e).isInstanceOf(ExecutionException.class)
                                    .hasCauseInstanceOf(AuthorizationException.class));
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(String principal) {
        Map<String, Object> config = new HashMap<>(stack.clientProperties(principal));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10000);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String principal) {
        Map<String, Object> config = new HashMap<>(stack.clientProperties(principal));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @SuppressWarnings("unchecked")
    private static <V> ProducerRecord<byte[], byte[]> record(Topic<String, V> topic, String key, Object value) {
        return new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(topic.name(), (V) value));
    }

    /** Every record of a session on a topic, read up to the topic's end. */
    private static List<Object> values(Topic<String, ?> topic, String session) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer("admin")) {
            return read(consumer, topic, session);
        }
    }

    private static List<Object> read(KafkaConsumer<byte[], byte[]> consumer, Topic<String, ?> topic, String session) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                .map(info -> new TopicPartition(topic.name(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<Object> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline && partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            for (var record : consumer.poll(Duration.ofMillis(500))) {
                if (session.equals(new String(record.key(), StandardCharsets.UTF_8))) {
                    values.add(topic.valueSerde().deserializer().deserialize(topic.name(), record.value()));
                }
            }
        }
        return values;
    }
}
