package dev.switchboard.agent.sdk.loop;

import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ToolCall;
import dev.switchboard.agent.sdk.model.ToolSpec;

/**
 * The input tokens a request will cost, counted before it is sent: one token per four characters (rounded
 * up) of everything the model reads, plus four per message for the provider's framing. Tokenizers give
 * English text about four characters per token; the loop uses this bound to refuse a request that would
 * exceed the task's budget, and charges it when a provider reports no usage.
 */
public final class TokenEstimate {

    private static final int CHARS_PER_TOKEN = 4;
    private static final int PER_MESSAGE = 4;

    private TokenEstimate() {
    }

    public static long of(ModelRequest request) {
        long chars = length(request.instructions());
        long messages = 1;
        for (ChatMessage message : request.messages()) {
            messages++;
            chars += length(message.text());
            for (ToolCall call : message.toolCalls()) {
                chars += length(call.name()) + length(call.argumentsJson());
            }
        }
        for (ToolSpec tool : request.tools()) {
            chars += length(tool.name()) + length(tool.description()) + length(tool.parametersJsonSchema());
        }
        return (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN + messages * PER_MESSAGE;
    }

    private static long length(String text) {
        return text == null ? 0 : text.length();
    }
}
