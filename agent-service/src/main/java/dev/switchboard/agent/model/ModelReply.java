package dev.switchboard.agent.model;

/**
 * What a model answered, with the token usage it reports.
 *
 * @param text         the reply text
 * @param inputTokens  tokens the model read
 * @param outputTokens tokens the model wrote
 */
public record ModelReply(String text, long inputTokens, long outputTokens) {
}
