package dev.switchboard.agent.model.providers;

import java.time.Duration;
import java.util.Optional;

import dev.switchboard.agent.sdk.model.ModelException;

/** A provider's error answer: its HTTP status, and how long it asked us to wait before trying again. */
public class ProviderException extends ModelException {

    private final int status;
    private final Duration retryAfter;

    public ProviderException(String message, int status, boolean retryable, Duration retryAfter) {
        super(message, retryable);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, or 0 when no answer arrived (timeout, broken connection). */
    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
