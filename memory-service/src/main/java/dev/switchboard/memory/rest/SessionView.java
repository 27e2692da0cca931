package dev.switchboard.memory.rest;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.Usage;

/**
 * The JSON form of a session's state; Avro's generated classes are not meant for Jackson. {@code summary} is
 * null until a message has left the recent window; {@code facts} is sorted by key.
 */
public record SessionView(
        String sessionId,
        String tenant,
        String user,
        List<MessageView> recent,
        long turns,
        long replies,
        UsageView usage,
        String activeAgent,
        String lastChannel,
        String lastTurnId,
        Instant updatedAt,
        String summary,
        Map<String, String> facts) {

    /** One message of the recent history, oldest first. */
    public record MessageView(String role, String text, String agent, String turnId, Instant at) {

        static MessageView of(ChatMessage message) {
            return new MessageView(message.getRole().name(), message.getText(), message.getAgent(),
                    message.getTurnId(), message.getAt());
        }
    }

    /** What the session's agent tasks consumed, summed. */
    public record UsageView(long inputTokens, long outputTokens, int iterations) {

        static UsageView of(Usage usage) {
            return new UsageView(usage.getInputTokens(), usage.getOutputTokens(), usage.getIterations());
        }
    }

    public static SessionView of(SessionState state) {
        return new SessionView(
                state.getSessionId(),
                state.getTenant(),
                state.getUser(),
                state.getRecent().stream().map(MessageView::of).toList(),
                state.getTurns(),
                state.getReplies(),
                UsageView.of(state.getUsage()),
                state.getActiveAgent(),
                state.getLastChannel(),
                state.getLastTurnId(),
                state.getUpdatedAt(),
                state.getSummary(),
                // sorted, so that every instance renders the same session the same way
                new TreeMap<>(state.getFacts()));
    }
}
