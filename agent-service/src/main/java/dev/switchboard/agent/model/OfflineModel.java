package dev.switchboard.agent.model;

import java.util.List;

import dev.switchboard.events.ChatMessage;

/**
 * The embedded default model: deterministic, offline, no key, no network, and honest about it. It
 * calls no LLM; it acknowledges the message so that every path of the runtime can run and be tested.
 * Token counts are whitespace-separated words, which is what it reports as usage.
 */
public final class OfflineModel implements Model {

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
    public ModelReply complete(String instructions, List<ChatMessage> history, String userMessage) {
        String reply = "This is the " + agentId + " agent on Switchboard's offline model (no LLM was called). "
                + "You said: \"" + userMessage + "\". Earlier messages in this session: " + history.size() + ".";
        long input = words(instructions) + history.stream().mapToLong(m -> words(m.getText())).sum() + words(userMessage);
        return new ModelReply(reply, input, words(reply));
    }

    static long words(String text) {
        String trimmed = text == null ? "" : text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
    }
}
