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

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.events.AgentTask;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.TopicReader;

/**
 * The whole system as it runs locally: PostgreSQL, a Kafka broker process and the five packaged
 * services as separate processes, driven through the web chat API only.
 */
class EndToEndIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String WHATSAPP_APP_SECRET = SharedStack.WHATSAPP_APP_SECRET;
    static final FakeWhatsAppApi whatsAppApi = SharedStack.WHATSAPP_API;
    static LocalStack stack;
    static LocalSettings settings;
    static String auditor;
    static String operator;

    @BeforeAll
    static void startEverything() throws Exception {
        stack = SharedStack.get();
        settings = stack.settings();
        auditor = stack.tokenMint().mint("auditor-e2e", LocalStack.DEMO_TENANT, List.of(Roles.AUDITOR), Duration.ofHours(1));
        operator = stack.tokenMint().mint("dpo", LocalStack.DEMO_TENANT, List.of(Roles.OPERATOR), Duration.ofHours(1));
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
            HttpResponse<String> state = get("memory-service", "/v1/tenants/demo/sessions/" + sessionId);
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
            HttpResponse<String> budget = get("supervisor-service", "/v1/tenants/demo/sessions/" + sessionId + "/budget");
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
            JsonNode opened = JSON.readTree(get("compliance-service", "/v1/tenants/demo/audit/sessions/" + sessionId).body());
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
        await().atMost(Duration.ofSeconds(30)).until(() -> get("memory-service", "/v1/tenants/demo/sessions/" + sessionId).statusCode() == 200);

        HttpResponse<String> erased = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + settings.port("compliance-service") + "/v1/tenants/demo/erasures"))
                .header("Authorization", "Bearer " + operator)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("user", user))))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);
        assertThat(erased.body()).contains(sessionId);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(get("memory-service", "/v1/tenants/demo/sessions/" + sessionId).statusCode()).isEqualTo(404));
        JsonNode audit = JSON.readTree(get("compliance-service", "/v1/tenants/demo/audit/sessions/" + sessionId).body());
        assertThat(audit).isNotEmpty().allSatisfy(row -> {
            assertThat(row.path("erased").asBoolean()).isTrue();
            assertThat(row.path("content").isNull()).isTrue();
        });
        JsonNode chain = JSON.readTree(get("compliance-service", "/v1/tenants/" + LocalStack.DEMO_TENANT + "/audit/verify").body());
        assertThat(chain.path("valid").asBoolean()).as(chain.toString()).isTrue();
    }

    /**
     * A user talks on web chat, links WhatsApp with a one-time code, and continues on WhatsApp: the agent's task
     * carries the web chat history, the reply is delivered to the WhatsApp send API, and a redelivered webhook
     * creates no second turn.
     */
    @Test
    void aConversationMovesFromWebChatToWhatsAppWithItsMemory() throws Exception {
        String user = "wendy-" + UUID.randomUUID();
        HttpResponse<String> web = post(LocalStack.DEMO_API_KEY, user, "Hello, my order number is A-4711", 30);
        assertThat(web.statusCode()).as(web.body()).isEqualTo(200);
        String sessionId = JSON.readTree(web.body()).path("sessionId").asText();

        HttpResponse<String> issued = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + settings.port("gateway-service") + "/v1/tenants/" + LocalStack.DEMO_TENANT + "/users/" + user + "/link-codes"))
                .header("X-Api-Key", LocalStack.DEMO_API_KEY).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(201);
        String code = JSON.readTree(issued.body()).path("code").asText();

        String phone = "+1555" + (1000000 + new java.util.Random().nextInt(8999999));
        assertThat(whatsApp(phone, "wamid.link-" + UUID.randomUUID(), "LINK " + code).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> links = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                            + settings.port("gateway-service") + "/v1/tenants/" + LocalStack.DEMO_TENANT + "/users/" + user + "/links"))
                    .header("X-Api-Key", LocalStack.DEMO_API_KEY).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(links.body()).contains("whatsapp").contains(phone.substring(1));
        });

        String messageId = "wamid.e2e-" + UUID.randomUUID();
        assertThat(whatsApp(phone, messageId, "Any news about my order?").statusCode()).isEqualTo(200);
        assertThat(whatsApp(phone, messageId, "Any news about my order?").statusCode()).as("a redelivery").isEqualTo(200);

        AgentTask onWhatsApp;
        try (var tasks = TopicReader.fromBeginning(stack.clientProperties("admin"), Topics.agentTasks("concierge"))) {
            onWhatsApp = tasks.first(sessionId, task -> "whatsapp".equals(task.getEnvelope().getChannel()),
                    Duration.ofSeconds(30)).value();
        }
        assertThat(onWhatsApp.getText()).isEqualTo("Any news about my order?");
        assertThat(onWhatsApp.getEnvelope().getPrincipal().getUser()).isEqualTo(user);
        assertThat(onWhatsApp.getHistory()).extracting(m -> m.getText()).anySatisfy(text ->
                assertThat(text).contains("A-4711"));

        String delivered = whatsAppApi.awaitMessageTo(phone.substring(1), Duration.ofSeconds(30));
        assertThat(delivered).contains("offline model").contains("Any news about my order?");

        // The redelivery has the original's key, so the inbound topology handled it right after the original,
        // long before the original's reply was delivered: a second turn would be on turns.raw by now.
        try (var turns = TopicReader.fromBeginning(stack.clientProperties("admin"), Topics.TURNS_RAW)) {
            List<String> fromWhatsApp = turns.until(sessionId, records -> records.stream().anyMatch(
                            r -> messageId.equals(r.value().getChannelMessageId())), Duration.ofSeconds(30))
                    .stream().map(r -> r.value().getChannelMessageId()).filter(messageId::equals).toList();
            assertThat(fromWhatsApp).as("one turn for the message and its redelivery").hasSize(1);
        }
        assertThat(whatsAppApi.messagesTo(phone.substring(1))).as("one reply delivered").hasSize(1);
    }

    /** A WhatsApp Cloud API webhook with one text message, signed with the app secret. */
    static HttpResponse<String> whatsApp(String from, String messageId, String text) throws Exception {
        String body = JSON.writeValueAsString(Map.of("object", "whatsapp_business_account", "entry", List.of(Map.of(
                "id", "1234567890987654321", "changes", List.of(Map.of("field", "messages", "value", Map.of(
                        "messaging_product", "whatsapp",
                        "metadata", Map.of("display_phone_number", "15550000000", "phone_number_id", "1122334455667"),
                        "contacts", List.of(Map.of("profile", Map.of("name", "Wendy"), "wa_id", from.substring(1))),
                        "messages", List.of(Map.of("from", from.substring(1), "id", messageId,
                                "timestamp", String.valueOf(System.currentTimeMillis() / 1000),
                                "text", Map.of("body", text), "type", "text")))))))));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(WHATSAPP_APP_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + settings.port("gateway-service")
                        + "/v1/channels/" + LocalStack.DEMO_TENANT + "/whatsapp/webhook"))
                .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
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
        try (var turns = TopicReader.fromBeginning(stack.clientProperties("admin"), Topics.TURNS_RAW)) {
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

    /** A read as the demo tenant's auditor. */
    static HttpResponse<String> get(String module, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + settings.port(module) + path))
                .header("Authorization", "Bearer " + auditor)
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
}
