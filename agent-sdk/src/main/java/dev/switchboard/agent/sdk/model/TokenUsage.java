package dev.switchboard.agent.sdk.model;

/** Tokens a model call consumed, as reported by the provider. */
public record TokenUsage(long inputTokens, long outputTokens) {

    public long total() {
        return inputTokens + outputTokens;
    }
}
