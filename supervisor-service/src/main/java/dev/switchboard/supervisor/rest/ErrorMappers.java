package dev.switchboard.supervisor.rest;

import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.switchboard.supervisor.streams.SupervisorQueries;

/** How the supervisor's HTTP endpoints answer errors, as JSON. */
public class ErrorMappers {

    /** Seconds a client should wait before retrying a 503. */
    private static final String RETRY_AFTER_SECONDS = "1";

    @ServerExceptionMapper
    Response notQueryable(SupervisorQueries.NotQueryableException e) {
        Response answer = OperatorKey.error(Response.Status.SERVICE_UNAVAILABLE, "not-ready",
                "The supervisor's state cannot be read yet: " + e.getMessage());
        return Response.fromResponse(answer).header("Retry-After", RETRY_AFTER_SECONDS).build();
    }

    @ServerExceptionMapper
    Response invalid(IllegalArgumentException e) {
        return OperatorKey.error(Response.Status.BAD_REQUEST, "invalid-request", e.getMessage());
    }
}
