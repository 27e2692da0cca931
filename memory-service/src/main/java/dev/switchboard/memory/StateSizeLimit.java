package dev.switchboard.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.SessionState;

/**
 * Keeps a session's state within a number of bytes, as encoded on {@code sessions.state}, oldest history first:
 * the oldest messages of the recent window move into the rolling summary (as a fold would move them when the
 * window is full) until the state fits or one message is left; then the summary goes; then the last message's
 * text is cut (ending in {@value #CUT}). Counters, usage, facts and identity are never touched.
 */
public final class StateSizeLimit {

    static final String CUT = "…";

    private final int maxBytes;
    private final Summarizer summarizer;
    private final ToIntFunction<SessionState> sizeOf;

    /**
     * @param maxBytes   the most bytes a state may take (at least 1024)
     * @param summarizer where messages trimmed from the window go
     * @param sizeOf     the encoded size of a state
     */
    public StateSizeLimit(int maxBytes, Summarizer summarizer, ToIntFunction<SessionState> sizeOf) {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("the state size limit must be at least 1024 bytes: " + maxBytes);
        }
        this.maxBytes = maxBytes;
        this.summarizer = summarizer;
        this.sizeOf = sizeOf;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** {@code state} if it fits, else a trimmed copy that does (the input is never modified). */
    public SessionState bounded(SessionState state) {
        int size = sizeOf.applyAsInt(state);
        if (size <= maxBytes) {
            return state;
        }
        List<ChatMessage> recent = new ArrayList<>(state.getRecent());
        String summary = state.getSummary();
        SessionState trimmed = state;
        while (size > maxBytes && recent.size() > 1) {
            ChatMessage oldest = recent.remove(0);
            summary = summarizer.fold(summary, List.of(oldest));
            trimmed = with(state, recent, summary);
            size = sizeOf.applyAsInt(trimmed);
        }
        if (size > maxBytes && summary != null) {
            summary = null;
            trimmed = with(state, recent, null);
            size = sizeOf.applyAsInt(trimmed);
        }
        while (size > maxBytes && !recent.isEmpty()) {
            ChatMessage last = recent.get(recent.size() - 1);
            String text = last.getText();
            // UTF-8 takes at least a byte per character: cutting the excess in characters (and the mark) gets close.
            int keep = Math.max(0, text.length() - (size - maxBytes) - CUT.length() - 1);
            if (keep == 0 && text.isEmpty()) {
                break;
            }
            ChatMessage cut = ChatMessage.newBuilder().setRole(last.getRole()).setAgent(last.getAgent())
                    .setTurnId(last.getTurnId()).setAt(last.getAt())
                    .setText(keep == 0 ? "" : text.substring(0, keep) + CUT).build();
            recent.set(recent.size() - 1, cut);
            trimmed = with(state, recent, summary);
            size = sizeOf.applyAsInt(trimmed);
        }
        return trimmed;
    }

    private static SessionState with(SessionState state, List<ChatMessage> recent, String summary) {
        return SessionState.newBuilder()
                .setSessionId(state.getSessionId())
                .setTenant(state.getTenant())
                .setUser(state.getUser())
                .setRecent(new ArrayList<>(recent))
                .setTurns(state.getTurns())
                .setReplies(state.getReplies())
                .setUsage(state.getUsage())
                .setActiveAgent(state.getActiveAgent())
                .setLastChannel(state.getLastChannel())
                .setLastTurnId(state.getLastTurnId())
                .setUpdatedAt(state.getUpdatedAt())
                .setSummary(summary)
                .setFacts(state.getFacts())
                .build();
    }
}
