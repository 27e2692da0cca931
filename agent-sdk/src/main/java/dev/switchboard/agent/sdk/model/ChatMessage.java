package dev.switchboard.agent.sdk.model;

import java.util.List;
import java.util.Objects;

/**
 * One message of a model conversation.
 *
 * @param role       who speaks
 * @param text       what was said; for a tool result, the result; may be empty when an assistant message
 *                   only calls tools
 * @param toolCalls  the tools an assistant message calls (empty otherwise)
 * @param toolCallId for a tool result, the id of the call it answers (null otherwise)
 * @param toolName   for a tool result, the tool's name (null otherwise)
 */
public record ChatMessage(Role role, String text, List<ToolCall> toolCalls, String toolCallId, String toolName) {

    /** Who speaks. */
    public enum Role { USER, ASSISTANT, TOOL }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public static ChatMessage user(String text) {
        return new ChatMessage(Role.USER, text, List.of(), null, null);
    }

    public static ChatMessage assistant(String text) {
        return new ChatMessage(Role.ASSISTANT, text, List.of(), null, null);
    }

    public static ChatMessage assistant(String text, List<ToolCall> toolCalls) {
        return new ChatMessage(Role.ASSISTANT, text, toolCalls, null, null);
    }

    public static ChatMessage toolResult(ToolCall call, String result) {
        return new ChatMessage(Role.TOOL, result, List.of(), call.id(), call.name());
    }
}
