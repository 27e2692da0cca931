package dev.switchboard.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.deploy.local.LocalStack;

/** HTTP calls to the running stack, as its users make them. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The status and body of an answer; status 0 when the answer was a stream that stayed open (SSE). */
    record Answer(int status, String body) {

        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    private Api() {
    }

    static String url(String module, String path) throws Exception {
        return "http://localhost:" + SharedStack.get().settings().port(module) + path;
    }

    static Answer get(String module, String path, String token) throws Exception {
        return send("GET", module, path, token, null);
    }

    static Answer send(String method, String module, String path, String token, Object body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(module, path)))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
            request.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return answer(request.build());
    }

    /** Sends a message as the tenant's backend (API key) for {@code user}, waiting up to {@code waitSeconds}. */
    static Answer message(String tenant, String apiKey, String user, String text, int waitSeconds) throws Exception {
        String query = waitSeconds > 0 ? "?wait=" + waitSeconds : "";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("gateway-service",
                        "/v1/tenants/" + tenant + "/messages" + query)))
                .header("X-Api-Key", apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("user", user, "text", text))))
                .timeout(Duration.ofSeconds(90)).build();
        return answer(request);
    }

    static Answer demoMessage(String user, String text, int waitSeconds) throws Exception {
        return message(LocalStack.DEMO_TENANT, LocalStack.DEMO_API_KEY, user, text, waitSeconds);
    }

    /** A message of the demo tenant with the client's own message id (sent again with it, it is processed once). */
    static Answer demoMessage(String user, String text, String messageId, int waitSeconds) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url("gateway-service",
                        "/v1/tenants/" + LocalStack.DEMO_TENANT + "/messages?wait=" + waitSeconds)))
                .header("X-Api-Key", LocalStack.DEMO_API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
                        Map.of("user", user, "text", text, "messageId", messageId))))
                .timeout(Duration.ofSeconds(waitSeconds + 30L)).build();
        return answer(request);
    }

    /** An answer whose body is read only if it ends: an event stream that stays open is status 200 with no body. */
    static Answer answer(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<InputStream> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            return new Answer(0, "");
        }
        boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
        try (InputStream body = response.body()) {
            return new Answer(response.statusCode(), stream ? "" : new String(body.readAllBytes()));
        }
    }
}
