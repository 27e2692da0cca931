package dev.switchboard.agent.sdk.model;

import java.util.List;

/**
 * What a model answered.
 *
 * @param text      the reply text (may be empty when the model only calls tools)
 * @param toolCalls the tools the model asks to call (empty for a final answer)
 * @param usage     the tokens the provider reports for this call
 */
public record ModelResponse(String text, List<ToolCall> toolCalls, TokenUsage usage) {

    public ModelResponse {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
    }

    public boolean callsTools() {
        return !toolCalls.isEmpty();
    }
}
