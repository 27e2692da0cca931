package dev.switchboard.agent.sdk;

/** A side effect run by {@link ToolContext#perform}. */
@FunctionalInterface
public interface Effect<T> {

    /**
     * Does the effect once.
     *
     * @param idempotencyKey pass it to the system you change, so that it too performs the effect once
     */
    T run(String idempotencyKey) throws Exception;
}
