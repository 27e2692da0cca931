package dev.switchboard.agent.model.providers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.agent.sdk.model.ModelException;

/**
 * One JSON POST to a provider, with its failures turned into {@link ProviderException}s: rate limits (429),
 * overload and server errors (5xx, Anthropic's 529), timeouts and broken connections are retryable; other
 * statuses are the caller's mistake and carry the provider's own error message.
 */
final class ProviderHttp {

    static final ObjectMapper JSON = new ObjectMapper();

    private static final int MAX_ERROR_BODY = 500;

    private final String provider;
    private final HttpClient client;
    private final Duration timeout;

    ProviderHttp(String provider, Duration timeout) {
        this.provider = provider;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    JsonNode post(URI uri, Map<String, String> headers, JsonNode body) {
        return post(uri, headers, body, timeout);
    }

    /** One POST that may take at most {@code limit} (the configured timeout, or less when the task's deadline is nearer). */
    JsonNode post(URI uri, Map<String, String> headers, JsonNode body, Duration limit) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(limit.compareTo(timeout) < 0 ? limit : timeout)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ProviderException(provider + " unreachable at " + uri + ": " + e, 0, true, null);
        } catch (InterruptedException e) {
            // A guard's timeout interrupts the attempt; keep the flag so the guard can see it.
            Thread.currentThread().interrupt();
            throw new ModelException(provider + " call interrupted", true, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw failure(response);
        }
        try {
            return JSON.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new ModelException(provider + " answered with invalid JSON: " + abbreviate(response.body()), true, e);
        }
    }

    private ProviderException failure(HttpResponse<String> response) {
        int status = response.statusCode();
        JsonNode error = errorNode(response.body());
        String type = text(error, "type").or(() -> text(error, "code")).orElse("");
        String message = text(error, "message").orElseGet(() -> abbreviate(response.body()));
        // An exhausted quota also comes as 429, but waiting a few seconds will not refill it.
        boolean retryable = (status == 408 || status == 429 || status >= 500)
                && !"insufficient_quota".equals(text(error, "code").orElse(""));
        String description = provider + " returned " + status + (type.isEmpty() ? "" : " " + type) + ": " + message;
        return new ProviderException(description, status, retryable, retryAfter(response).orElse(null));
    }

    /** Both OpenAI and Anthropic nest the details under {@code error}; vLLM puts them at the top. */
    private static JsonNode errorNode(String body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null) {
                return JSON.missingNode();
            }
            return root.path("error").isObject() ? root.path("error") : root;
        } catch (JsonProcessingException e) {
            return JSON.missingNode();
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isValueNode() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }

    static Optional<Duration> retryAfter(HttpResponse<?> response) {
        Optional<String> millis = response.headers().firstValue("retry-after-ms");
        if (millis.isPresent()) {
            try {
                return Optional.of(Duration.ofMillis((long) Double.parseDouble(millis.get().trim())));
            } catch (NumberFormatException ignored) {
                // fall through to Retry-After
            }
        }
        return response.headers().firstValue("retry-after").flatMap(ProviderHttp::parseRetryAfter);
    }

    /** Retry-After is either delay-seconds or an HTTP date (RFC 9110, section 10.2.3). */
    static Optional<Duration> parseRetryAfter(String value) {
        String trimmed = value.trim();
        try {
            return Optional.of(Duration.ofSeconds(Long.parseLong(trimmed)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
                return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
            } catch (DateTimeParseException notDate) {
                return Optional.empty();
            }
        }
    }

    private static String abbreviate(String body) {
        String flat = body == null ? "" : body.strip();
        return flat.length() <= MAX_ERROR_BODY ? flat : flat.substring(0, MAX_ERROR_BODY) + "...";
    }
}
