package dev.switchboard.gateway.channels;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.gateway.channels.config.ChannelDeliveryConfig;


/**
 * Calls platforms' send APIs and sorts their failures: 5xx, 408, 429 and network errors are transient
 * (429 with the platform's {@code Retry-After} when it gives one in seconds), other 4xx are permanent.
 */
@ApplicationScoped
public class ChannelHttp {

    /** Longest wait a {@code Retry-After} may impose; a platform asking for more is retried sooner and may refuse again. */
    static final Duration MAX_RETRY_AFTER = Duration.ofSeconds(10);

    private final HttpClient client;
    private final Duration timeout;

    @Inject
    ChannelHttp(ChannelDeliveryConfig config) {
        this(config.timeout());
    }

    /** With a timeout of one call. */
    public ChannelHttp(Duration timeout) {
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** A request to a URL, with the send timeout set. */
    public HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
    }

    /**
     * Sends the request.
     *
     * @return the response, when its status is 2xx
     * @throws DeliveryException for any other status or a network failure, transient or not as described above
     */
    public HttpResponse<String> send(HttpRequest request, String platform) throws DeliveryException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw DeliveryException.transientFailure(platform + " not reachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DeliveryException.transientFailure(platform + " call interrupted", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        String detail = platform + " answered " + status + ": " + abbreviate(response.body());
        if (status == 429) {
            throw DeliveryException.rateLimited(detail, retryAfter(response.headers().firstValue("Retry-After")));
        }
        if (status >= 500 || status == 408) {
            throw DeliveryException.transientFailure(detail);
        }
        throw DeliveryException.permanent(detail);
    }

    static Duration retryAfter(Optional<String> header) {
        try {
            return header.map(String::strip).map(Long::parseLong).map(Duration::ofSeconds)
                    .map(wait -> wait.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : wait)
                    .filter(wait -> !wait.isNegative())
                    .orElse(null);
        } catch (NumberFormatException e) {
            return null; // an HTTP date: fall back to the exponential backoff
        }
    }

    static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        return body.length() <= 300 ? body : body.substring(0, 300) + "...";
    }
}
