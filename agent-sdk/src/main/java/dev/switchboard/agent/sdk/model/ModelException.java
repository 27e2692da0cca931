package dev.switchboard.agent.sdk.model;

/** A model call that failed, and whether trying again later may succeed. */
public class ModelException extends RuntimeException {

    private final boolean retryable;

    public ModelException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public ModelException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    /** True for rate limits (429), server errors (5xx), timeouts and broken connections. */
    public boolean retryable() {
        return retryable;
    }
}
