package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.TopicReader;

/**
 * The whole system as it runs locally: PostgreSQL, a Kafka broker process and the five packaged
 * services as separate processes, driven through the web chat API only.
 */
class EndToEndIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static LocalStack stack;
    static LocalSettings settings;

    @BeforeAll
    static void startEverything() throws Exception {
        Path root = Path.of(System.getProperty("switchboard.root", "..")).toAbsolutePath().normalize();
        settings = new LocalSettings(root, root.resolve("deploy/target/e2e-" + UUID.randomUUID()),
                freePort(), freePort(), freePort(),
                LocalSettings.services(freePort(), freePort(), freePort(), freePort(), freePort()),
                3, List.of("concierge", "billing-agent", "tech-support"));
        long started = System.nanoTime();
        stack = LocalStack.start(settings);
        System.out.printf("[e2e] stack ready in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @AfterAll
    static void stopEverything() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aTurnTravelsTheWholePathIsRememberedAndAudited() throws Exception {
        String user = "alice-" + UUID.randomUUID();
        HttpResponse<String> response = post(LocalStack.DEMO_API_KEY, user,
                "Hello, I am alice@example.com and need help", 30);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        String sessionId = body.path("sessionId").asText();
        String turnId = body.path("turnId").asText();
        JsonNode reply = body.path("reply");
        assertThat(reply.path("kind").asText()).isEqualTo("AGENT_REPLY");
        assertThat(reply.path("agent").asText()).isEqualTo("concierge");
        assertThat(reply.path("text").asText()).contains("offline model").contains("[EMAIL]")
                .doesNotContain("alice@example.com");

        // Memory folded the exchange into the session state.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> state = get("memory-service", "/v1/sessions/" + sessionId);
            assertThat(state.statusCode()).as(state.body()).isEqualTo(200);
            JsonNode session = JSON.readTree(state.body());
            assertThat(session.path("user").asText()).isEqualTo(user);
            assertThat(session.path("turns").asLong()).isEqualTo(1);
            assertThat(session.path("replies").asLong()).isEqualTo(1);
            List<String> roles = new ArrayList<>();
            session.path("recent").forEach(m -> roles.add(m.path("role").asText() + ":" + m.path("text").asText()));
            assertThat(roles).hasSize(2);
            assertThat(roles.get(0)).startsWith("USER:").contains("[EMAIL]").doesNotContain("alice@example.com");
            assertThat(roles.get(1)).startsWith("AGENT:").contains("offline model");
        });

        // The supervisor debited the result to the session's budget.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> budget = get("supervisor-service", "/v1/budgets/sessions/" + sessionId);
            assertThat(budget.statusCode()).as(budget.body()).isEqualTo(200);
            JsonNode used = JSON.readTree(budget.body());
            assertThat(used.path("tenant").asText()).isEqualTo(LocalStack.DEMO_TENANT);
            assertThat(used.path("usedTokens").asLong()).isPositive();
            assertThat(used.path("remainingTokens").asLong()).isLessThan(used.path("limitTokens").asLong());
        });

        // The audit table holds a row for each event of the turn, redacted.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String[]> rows = auditRows(sessionId);
            assertThat(rows).extracting(row -> row[0]).containsExactlyInAnyOrder("TURN_RECEIVED", "AGENT_RESULT");
            assertThat(rows).allSatisfy(row -> {
                assertThat(row[1]).isEqualTo(turnId);
                assertThat(row[2]).as("sealed with the user's key").startsWith("enc:v1:").doesNotContain("alice");
            });
            JsonNode opened = JSON.readTree(get("compliance-service", "/v1/audit/sessions/" + sessionId).body());
            assertThat(opened).hasSize(2).allSatisfy(row -> assertThat(row.path("content").toString())
                    .contains("[EMAIL]").doesNotContain("alice@example.com"));
        });
    }

    @Test
    void anErasedUsersMemoryAndAuditContentAreGoneWhileTheAuditChainStillVerifies() throws Exception {
        String user = "erin-" + UUID.randomUUID();
        HttpResponse<String> response = post(LocalStack.DEMO_API_KEY, user, "I am erin@example.com, call me", 30);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        String sessionId = JSON.readTree(response.body()).path("sessionId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> get("memory-service", "/v1/sessions/" + sessionId).statusCode() == 200);

        HttpResponse<String> erased = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + settings.port("compliance-service") + "/v1/erasures"))
                .header("Authorization", "Bearer " + LocalStack.DEMO_OPERATOR_KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of(
                        "tenant", LocalStack.DEMO_TENANT, "user", user, "requestedBy", "dpo"))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);
        assertThat(erased.body()).contains(sessionId);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("memory-service", "/v1/sessions/" + sessionId).statusCode()).isEqualTo(404));
        JsonNode audit = JSON.readTree(get("compliance-service", "/v1/audit/sessions/" + sessionId).body());
        assertThat(audit).isNotEmpty().allSatisfy(row -> {
            assertThat(row.path("erased").asBoolean()).isTrue();
            assertThat(row.path("content").isNull()).isTrue();
        });
        JsonNode chain = JSON.readTree(get("compliance-service", "/v1/audit/tenants/" + LocalStack.DEMO_TENANT + "/verify").body());
        assertThat(chain.path("valid").asBoolean()).as(chain.toString()).isTrue();
    }

    @Test
    void anInvalidApiKeyIsRefusedAndPublishesNothing() throws Exception {
        String user = "mallory-" + UUID.randomUUID();
        HttpResponse<String> refused = post("not-the-key", user, "refused text", 0);
        assertThat(refused.statusCode()).isEqualTo(401);
        HttpResponse<String> accepted = post(LocalStack.DEMO_API_KEY, user, "marker text", 0);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String sessionId = JSON.readTree(accepted.body()).path("sessionId").asText();

        // Everything of this session on turns.raw, read until the marker: the refused text never appears.
        List<String> texts;
        try (var turns = TopicReader.fromBeginning(settings.bootstrapServers(), Topics.TURNS_RAW)) {
            texts = turns.until(sessionId, records -> records.stream()
                            .anyMatch(record -> record.value().getText().equals("marker text")), Duration.ofSeconds(30))
                    .stream().map(record -> record.value().getText()).toList();
        }
        assertThat(texts).containsExactly("marker text");
    }

    @Test
    void reportsTheLatencyOfWholeTurns() throws Exception {
        int turns = 30;
        List<Long> millis = new ArrayList<>();
        String user = "timer-" + UUID.randomUUID();
        for (int i = 0; i < turns; i++) {
            long start = System.nanoTime();
            HttpResponse<String> response = post(LocalStack.DEMO_API_KEY, user, "turn number " + i, 30);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            millis.add((System.nanoTime() - start) / 1_000_000);
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf("[e2e] whole-turn latency over %d sequential turns (web chat in, reply out): "
                + "p50=%d ms p99=%d ms max=%d ms%n", turns, sorted.get(turns / 2),
                sorted.get((int) Math.ceil(turns * 0.99) - 1), sorted.get(turns - 1));
        assertThat(sorted).hasSize(turns);
    }

    static HttpResponse<String> post(String apiKey, String user, String text, int waitSeconds) throws Exception {
        String query = waitSeconds > 0 ? "?wait=" + waitSeconds : "";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + settings.port("gateway-service")
                        + "/v1/tenants/" + LocalStack.DEMO_TENANT + "/messages" + query))
                .header("X-Api-Key", apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("user", user, "text", text))))
                .timeout(Duration.ofSeconds(90))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String module, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + settings.port(module) + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** event type, turn id and content of every audit row of a session, read from PostgreSQL itself. */
    static List<String[]> auditRows(String sessionId) throws Exception {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), "postgres", "postgres");
             PreparedStatement query = connection.prepareStatement(
                     "select event_type, turn_id, content from audit_events where session_id = ? order by id")) {
            query.setString(1, sessionId);
            List<String[]> rows = new ArrayList<>();
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    rows.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
            return rows;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
