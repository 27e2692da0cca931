package dev.switchboard.agent.sdk;

/**
 * The runtime refused an effect or an egress request: the tool has no side effects or no egress declared,
 * its scope is not granted, or the task's deadline has passed. Nothing was done; the model reads the message.
 */
public final class EffectRefusedException extends RuntimeException {

    public EffectRefusedException(String message) {
        super(message);
    }
}
