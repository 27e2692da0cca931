package dev.switchboard.gateway.channels;

import java.time.Duration;

/**
 * A platform did not take a message. Transient failures (5xx, 429, timeouts, connection errors) are
 * retried with backoff; permanent ones (other 4xx, a refusal in the body) are not.
 */
public class DeliveryException extends Exception {

    private final boolean transientFailure;
    private final Duration retryAfter;

    private DeliveryException(String message, boolean transientFailure, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.transientFailure = transientFailure;
        this.retryAfter = retryAfter;
    }

    public static DeliveryException transientFailure(String message) {
        return new DeliveryException(message, true, null, null);
    }

    public static DeliveryException transientFailure(String message, Throwable cause) {
        return new DeliveryException(message, true, null, cause);
    }

    /** A transient failure after which the platform asked to wait ({@code Retry-After}). */
    public static DeliveryException rateLimited(String message, Duration retryAfter) {
        return new DeliveryException(message, true, retryAfter, null);
    }

    public static DeliveryException permanent(String message) {
        return new DeliveryException(message, false, null, null);
    }

    public boolean isTransient() {
        return transientFailure;
    }

    /** How long the platform asked to wait before the next attempt, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
