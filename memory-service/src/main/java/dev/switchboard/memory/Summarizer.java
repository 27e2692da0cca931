package dev.switchboard.memory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.Role;

/**
 * The rolling summary of the messages that have left a session's recent window: extractive, deterministic
 * and offline (no model), so replaying the same events always gives the same summary.
 *
 * <p>The summary is one line per message, oldest first, as {@code speaker: gist}, where the speaker is
 * {@code user}, the agent's id (or {@code agent}) or {@code system}, and the gist is the message's first
 * sentence with whitespace collapsed, cut to {@code messageChars} characters (ending in {@code …} when cut).
 * The whole summary never exceeds {@code maxChars}: when it would, the oldest lines are dropped first, so it
 * always covers the latest part of the conversation that left the window. Blank messages add nothing.
 *
 * <pre>
 * user: Where is my order #12345?
 * billing-agent: It was shipped on Monday.
 * </pre>
 */
public final class Summarizer {

    /** Separates the entries; message text never contains it because whitespace is collapsed. */
    static final String SEPARATOR = "\n";

    private static final String ELLIPSIS = "…";

    private final int maxChars;
    private final int messageChars;

    /**
     * @param maxChars     the longest summary, in characters (at least 1)
     * @param messageChars the longest gist of one message, in characters (at least 1)
     */
    public Summarizer(int maxChars, int messageChars) {
        if (maxChars < 1 || messageChars < 1) {
            throw new IllegalArgumentException("summary sizes must be at least 1: maxChars=" + maxChars
                    + ", messageChars=" + messageChars);
        }
        this.maxChars = maxChars;
        this.messageChars = messageChars;
    }

    /**
     * The summary after {@code leaving} (oldest first) have left the recent window.
     *
     * @param summary the summary so far, or null if there is none
     * @return the new summary, or {@code summary} itself when no message adds anything
     */
    public String fold(String summary, List<ChatMessage> leaving) {
        List<String> added = new ArrayList<>(leaving.size());
        for (ChatMessage message : leaving) {
            String gist = gist(message.getText());
            if (!gist.isEmpty()) {
                added.add(speaker(message) + ": " + gist);
            }
        }
        if (added.isEmpty()) {
            return summary;
        }
        Deque<String> lines = new ArrayDeque<>();
        if (summary != null && !summary.isEmpty()) {
            lines.addAll(List.of(summary.split(SEPARATOR)));
        }
        lines.addAll(added);
        int length = String.join(SEPARATOR, lines).length();
        while (length > maxChars && lines.size() > 1) {
            length -= lines.removeFirst().length() + SEPARATOR.length();
        }
        String folded = String.join(SEPARATOR, lines);
        // only a single line longer than the whole budget is left over: keep its start
        return folded.length() > maxChars ? cut(folded, maxChars) : folded;
    }

    /** The first sentence of a text on one line, at most {@code messageChars} long; empty for a blank text. */
    String gist(String text) {
        String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return cut(firstSentence(line), messageChars);
    }

    private static String speaker(ChatMessage message) {
        Role role = message.getRole();
        if (role == Role.AGENT) {
            String agent = message.getAgent();
            return agent == null || agent.isBlank() ? "agent" : agent.strip();
        }
        return role == Role.USER ? "user" : "system";
    }

    /** Up to and including the first '.', '!' or '?' that ends the text or is followed by a space. */
    private static String firstSentence(String line) {
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c == '.' || c == '!' || c == '?') && (i + 1 == line.length() || line.charAt(i + 1) == ' ')) {
                return line.substring(0, i + 1);
            }
        }
        return line;
    }

    private static String cut(String text, int limit) {
        if (text.length() <= limit) {
            return text;
        }
        if (limit <= ELLIPSIS.length()) {
            return text.substring(0, limit);
        }
        return text.substring(0, limit - ELLIPSIS.length()).stripTrailing() + ELLIPSIS;
    }
}
