package dev.switchboard.deploy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP server speaking the WhatsApp Cloud API's send endpoint ({@code POST /<phone-number-id>/messages}
 * with a bearer token and a JSON text message), recording what it was asked to send.
 */
final class FakeWhatsAppApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> sent = new CopyOnWriteArrayList<>();

    private FakeWhatsAppApi(HttpServer server) {
        this.server = server;
    }

    static FakeWhatsAppApi start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
            FakeWhatsAppApi api = new FakeWhatsAppApi(server);
            server.createContext("/", exchange -> {
                byte[] body = exchange.getRequestBody().readAllBytes();
                boolean valid = "POST".equals(exchange.getRequestMethod())
                        && exchange.getRequestURI().getPath().endsWith("/1122334455667/messages")
                        && "Bearer e2e-access-token".equals(exchange.getRequestHeaders().getFirst("Authorization"));
                String answer;
                int status;
                if (valid) {
                    api.sent.add(JSON.readTree(body));
                    status = 200;
                    answer = "{\"messaging_product\":\"whatsapp\",\"messages\":[{\"id\":\"wamid.sent-" + api.sent.size() + "\"}]}";
                } else {
                    status = 400;
                    answer = "{\"error\":{\"message\":\"unexpected request\"}}";
                }
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
                exchange.close();
            });
            server.start();
            return api;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The texts sent to a WhatsApp id (the phone number without its plus). */
    List<String> messagesTo(String waId) {
        return sent.stream().filter(message -> waId.equals(message.path("to").asText().replace("+", "")))
                .map(message -> message.path("text").path("body").asText()).toList();
    }

    String awaitMessageTo(String waId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> texts = messagesTo(waId);
            if (!texts.isEmpty()) {
                return texts.get(0);
            }
            Thread.sleep(100);
        }
        throw new AssertionError("nothing was sent to " + waId + " within " + timeout + "; sent: " + sent);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
