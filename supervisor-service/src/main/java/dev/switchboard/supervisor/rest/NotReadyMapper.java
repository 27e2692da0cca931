package dev.switchboard.supervisor.rest;

import java.util.Map;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * While Kafka Streams is starting or rebalancing its stores cannot be read: the answer is a 503 problem with
 * {@code Retry-After}, so clients retry instead of treating the session as unknown.
 */
public class NotReadyMapper {

    /** Seconds a client should wait before retrying. */
    private static final String RETRY_AFTER_SECONDS = "1";

    @ServerExceptionMapper
    public Response notQueryable(SupervisorQueries.NotQueryableException e) {
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "not-ready",
                "The supervisor's state cannot be read yet; retry shortly", Map.of("Retry-After", RETRY_AFTER_SECONDS))
                .toResponse();
    }
}
