package dev.switchboard.agent.model;

import java.util.List;

import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.TokenUsage;

/**
 * The embedded default model: deterministic, offline, no key, no network, and honest about it. It
 * calls no LLM and no tool; it acknowledges the user's last message so that every path of the runtime
 * can run and be tested. Token counts are whitespace-separated words, which is what it reports as usage.
 */
public final class OfflineModel implements ChatModel {

    public static final String ID = "offline-echo";

    private final String agentId;

    public OfflineModel(String agentId) {
        this.agentId = agentId;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public ModelResponse chat(ModelRequest request) {
        List<ChatMessage> messages = request.messages();
        String userMessage = messages.stream().filter(m -> m.role() == ChatMessage.Role.USER)
                .reduce((first, second) -> second).map(ChatMessage::text).orElse("");
        String reply = "This is the " + agentId + " agent on Switchboard's offline model (no LLM was called). "
                + "You said: \"" + userMessage + "\". Earlier messages in this session: " + (messages.size() - 1) + ".";
        long input = words(request.instructions()) + messages.stream().mapToLong(m -> words(m.text())).sum();
        return new ModelResponse(reply, List.of(), new TokenUsage(input, words(reply)));
    }

    static long words(String text) {
        String trimmed = text == null ? "" : text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
