package dev.switchboard.gateway.inbound;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import dev.switchboard.runtime.problem.ProblemException;

/**
 * Links or codes cannot be read or written now (Kafka Streams starting or rebalancing, broker down): 503 with
 * {@code Retry-After}, code {@code links-unavailable}.
 */
public class LinksUnavailableException extends ProblemException {

    LinksUnavailableException(String detail) {
        super(Response.Status.SERVICE_UNAVAILABLE, "links-unavailable", detail, Map.of("Retry-After", "5"));
    }
}
