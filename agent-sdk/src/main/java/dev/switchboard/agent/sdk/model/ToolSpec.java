package dev.switchboard.agent.sdk.model;

/**
 * A tool as a model sees it.
 *
 * @param name                 the tool's name (letters, digits, underscores)
 * @param description          what it does and when to use it
 * @param parametersJsonSchema the JSON schema of its arguments object
 */
public record ToolSpec(String name, String description, String parametersJsonSchema) {
}
