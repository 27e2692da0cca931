package dev.switchboard.gateway.rest;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.runtime.problem.Problem;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Answers a request whose declared {@code Content-Length} exceeds {@code quarkus.http.limits.max-body-size}
 * with a 413 problem, before the body is read (and before authentication: nothing of the body is trusted). The HTTP layer enforces the same limit (also on chunked
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
            Problem problem = Problem.of(413, "body-too-large",
                    "The request body is " + length + " bytes; the limit is " + limit + " bytes");
            JsonObject body = new JsonObject(Map.of("type", problem.type(), "title", problem.title(),
                    "status", problem.status(), "detail", problem.detail(), "code", problem.code()));
            context.response()
                    .setStatusCode(413)
                    .putHeader(HttpHeaders.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    // the body is not read: the connection cannot be reused
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end(body.encode());
        });
    }
}
