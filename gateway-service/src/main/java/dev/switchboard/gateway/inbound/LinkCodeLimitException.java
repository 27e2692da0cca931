package dev.switchboard.gateway.inbound;

import java.time.Duration;

/** A link code refused by a rate limit: the user asked for too many. */
public class LinkCodeLimitException extends RuntimeException {

    private final String error;
    private final Duration retryAfter;

    LinkCodeLimitException(String error, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.error = error;
        this.retryAfter = retryAfter;
    }

    /** A stable, machine-readable code. */
    public String error() {
        return error;
    }

    /** When the user may ask again. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
