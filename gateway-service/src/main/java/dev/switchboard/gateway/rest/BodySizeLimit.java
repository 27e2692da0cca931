package dev.switchboard.gateway.rest;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Answers a request whose declared {@code Content-Length} exceeds {@code quarkus.http.limits.max-body-size}
 * with a JSON 413, before the body is read. The HTTP layer enforces the same limit (also on chunked
 * bodies), but with an empty answer; this route only runs just before it to say what went wrong.
 */
@ApplicationScoped
public class BodySizeLimit {

    private final long limit;

    BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(context -> {
            String declared = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
            long length;
            try {
                length = declared == null ? -1 : Long.parseLong(declared.strip());
            } catch (NumberFormatException e) {
                length = -1;
            }
            if (length <= limit) {
                context.next();
                return;
            }
            JsonObject error = new JsonObject(Map.of("error", "body_too_large", "message",
                    "the request body is " + length + " bytes; the limit is " + limit + " bytes"));
            context.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    // the body is not read: the connection cannot be reused
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(error.encode());
        });
    }
}
