package dev.switchboard.benchmark.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.switchboard.deploy.local.LocalStack;

/**
 * WhatsApp for the fault run: the Cloud API's send endpoint ({@code POST /<phone-number-id>/messages}), counting
 * the replies sent to each user, and the platform's side of the webhook: messages signed with the app secret and
 * posted to the gateway, as often and in whatever order a test asks.
 */
final class FakeWhatsApp implements AutoCloseable {

    static final String PHONE_NUMBER_ID = "1122334455667";
    static final String APP_SECRET = "fault-run-app-secret";
    static final String ACCESS_TOKEN = "fault-run-access-token";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpServer server;
    private final Map<String, Integer> sentTo = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();

    private FakeWhatsApp(HttpServer server) {
        this.server = server;
    }

    static FakeWhatsApp start() throws IOException {
        HttpServer server = LocalHttp.server("fake-whatsapp");
        FakeWhatsApp api = new FakeWhatsApp(server);
        server.createContext("/", api::send);
        server.start();
        return api;
    }

    /** The gateway's settings for the demo tenant's WhatsApp channel, pointing at this fake. */
    Map<String, String> gatewaySettings() {
        String prefix = "switchboard.gateway.channels." + LocalStack.DEMO_TENANT + ".whatsapp.";
        return Map.of(prefix + "app-secret", APP_SECRET, prefix + "verify-token", "fault-run-verify-token",
                prefix + "phone-number-id", PHONE_NUMBER_ID, prefix + "access-token", ACCESS_TOKEN,
                prefix + "base-url", "http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Replies sent to a WhatsApp id (a phone number without its plus). */
    int repliesTo(String waId) {
        return sentTo.getOrDefault(waId, 0);
    }

    long replies() {
        return sent.get();
    }

    private void send(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode body = JSON.readTree(exchange.getRequestBody());
            boolean valid = "POST".equals(exchange.getRequestMethod())
                    && exchange.getRequestURI().getPath().endsWith("/" + PHONE_NUMBER_ID + "/messages")
                    && ("Bearer " + ACCESS_TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"));
            String answer;
            int status;
            if (valid) {
                sentTo.merge(body.path("to").asText().replace("+", ""), 1, Integer::sum);
                status = 200;
                answer = "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.sent-" + sent.incrementAndGet()
                        + "\"}]}";
            } else {
                status = 400;
                answer = "{\"error\":{\"message\":\"unexpected request\"}}";
            }
            LocalHttp.answer(exchange, status, answer);
        }
    }

    /** A message from {@code waId} as the platform's webhook posts it, signed; answers the gateway's status. */
    static int deliver(int gatewayPort, String waId, String messageId, String text, long timestampSeconds)
            throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("object", "whatsapp_business_account", "entry", List.of(Map.of(
                "id", "1234567890987654321", "changes", List.of(Map.of("field", "messages", "value", Map.of(
                        "messaging_product", "whatsapp",
                        "metadata", Map.of("display_phone_number", "15550000000", "phone_number_id", PHONE_NUMBER_ID),
                        "contacts", List.of(Map.of("profile", Map.of("name", "Fault Run"), "wa_id", waId)),
                        "messages", List.of(Map.of("from", waId, "id", messageId,
                                "timestamp", Long.toString(timestampSeconds),
                                "text", Map.of("body", text), "type", "text")))))))));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + gatewayPort + "/v1/channels/"
                        + LocalStack.DEMO_TENANT + "/whatsapp/webhook"))
                .header("Content-Type", "application/json").header("X-Hub-Signature-256", signature(body))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String signature(String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(APP_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
