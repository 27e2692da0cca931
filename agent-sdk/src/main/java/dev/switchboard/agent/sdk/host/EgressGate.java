package dev.switchboard.agent.sdk.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.sdk.loop.ToolRunner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sends a tool's HTTP requests to its declared egress, and only there: the path must stay under the
 * configured base URL, the method must be GET unless the call is inside an effect, and the operator's
 * headers are added here, where agent code never sees them. A request sent inside an effect carries the
 * effect's key as {@code Idempotency-Key}, so the service it changes can perform it once. Redirects are not
 * followed.
 */
final class EgressGate {

    static final int MAX_BODY_BYTES = 1 << 20;
    private static final Duration MAX_REQUEST_TIME = Duration.ofSeconds(10);
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> TOOL_HEADERS = Set.of("content-type", "accept");
    private static final Pattern SAFE_PATH = Pattern.compile("/[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*");

    private final Map<String, EgressRoute> routes;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    EgressGate(Map<String, EgressRoute> routes) {
        this.routes = routes;
    }

    /** Refuses a request the call may not send; runs on the channel's reader, so it does no I/O. */
    void check(boolean noOpenEffect, JsonNode params) {
        String method = params.path("method").asText();
        String path = params.path("path").asText();
        if (!METHODS.contains(method)) {
            throw ToolProcess.refused("The runtime refused the request: method " + method + " is not supported");
        }
        if (!"GET".equals(method) && noOpenEffect) {
            throw ToolProcess.refused("The runtime refused the request: " + method
                    + " changes something, so it must run inside context.perform(...)");
        }
        if (!SAFE_PATH.matcher(path).matches() || path.startsWith("//") || path.contains("/../")
                || path.endsWith("/..") || path.contains("/./") || path.contains("%2e") || path.contains("%2E")) {
            throw ToolProcess.refused("The runtime refused the request: path '" + path
                    + "' must be a path under the egress, like /orders/42");
        }
    }

    /** Sends the request to the call's egress and answers status and body. */
    JsonNode send(ToolRunner.Invocation invocation, java.util.Collection<String> openEffects, JsonNode params) {
        String name = invocation.tool().egress();
        EgressRoute route = routes.get(name);
        if (route == null) {
            throw ToolProcess.refused("The runtime refused the request: egress '" + name
                    + "' is not configured for this agent");
        }
        URI target = route.baseUrl().resolve(params.path("path").asText().substring(1));
        if (!target.toString().startsWith(route.baseUrl().toString())) {
            throw ToolProcess.refused("The runtime refused the request: it leaves egress '" + name + "'");
        }
        Duration left = Duration.between(Instant.now(), invocation.deadline());
        if (left.isNegative() || left.isZero()) {
            throw ToolProcess.refused("The runtime refused the request: the task's deadline passed");
        }
        String body = params.path("body").isNull() ? null : params.path("body").asText(null);
        HttpRequest.Builder request = HttpRequest.newBuilder(target)
                .timeout(left.compareTo(MAX_REQUEST_TIME) < 0 ? left : MAX_REQUEST_TIME)
                .method(params.path("method").asText(), body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        params.path("headers").fields().forEachRemaining(header -> {
            if (TOOL_HEADERS.contains(header.getKey().toLowerCase(java.util.Locale.ROOT))) {
                request.header(header.getKey(), header.getValue().asText());
            }
        });
        openEffects.stream().reduce((first, last) -> last).ifPresent(key -> request.setHeader("Idempotency-Key", key));
        route.headers().forEach(request::setHeader);
        try {
            HttpResponse<InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (InputStream in = response.body()) {
                bytes = in.readNBytes(MAX_BODY_BYTES);
            }
            ObjectNode answer = JsonRpcChannel.MAPPER.createObjectNode().put("status", response.statusCode());
            answer.put("body", new String(bytes, StandardCharsets.UTF_8));
            return answer;
        } catch (IOException e) {
            throw ToolProcess.refused("The request to egress '" + name + "' failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ToolProcess.refused("The request to egress '" + name + "' was interrupted");
        } catch (UncheckedIOException e) {
            throw ToolProcess.refused("The request to egress '" + name + "' failed: " + e.getMessage());
        }
    }
}
