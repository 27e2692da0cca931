package dev.switchboard.agent.sdk.model;

/**
 * A model's request to call a tool.
 *
 * @param id            the provider's id of this call, echoed in the tool result
 * @param name          the tool's name
 * @param argumentsJson the arguments as a JSON object
 */
public record ToolCall(String id, String name, String argumentsJson) {
}
