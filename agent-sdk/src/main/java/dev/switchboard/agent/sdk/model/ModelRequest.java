package dev.switchboard.agent.sdk.model;

import java.util.List;

/**
 * What the loop sends to a model.
 *
 * @param instructions    the agent's system instructions
 * @param messages        the conversation so far, oldest first
 * @param tools           the tools the model may call
 * @param maxOutputTokens the most tokens the model may write in this call
 */
public record ModelRequest(String instructions, List<ChatMessage> messages, List<ToolSpec> tools, int maxOutputTokens) {

    public ModelRequest {
        messages = List.copyOf(messages);
        tools = List.copyOf(tools);
    }
}
