package dev.switchboard.gateway.inbound;

import java.time.Duration;
import java.util.Map;

import jakarta.ws.rs.core.Response;

import dev.switchboard.runtime.problem.ProblemException;

/** A link code refused by a rate limit: 429 with {@code Retry-After}, the time until one may be issued. */
public class LinkCodeLimitException extends ProblemException {

    /** The user holds as many unexpired codes as allowed. */
    public static final String TOO_MANY_CODES = "too-many-codes";
    /** The user asked for too many codes within the hour. */
    public static final String TOO_MANY_REQUESTS = "too-many-requests";

    LinkCodeLimitException(String code, String detail, Duration retryAfter) {
        super(Response.Status.TOO_MANY_REQUESTS, code, detail,
                Map.of("Retry-After", Long.toString(Math.max(1, ceilSeconds(retryAfter)))));
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }
}
