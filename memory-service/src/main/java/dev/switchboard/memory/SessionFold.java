package dev.switchboard.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Role;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;

/**
 * How one event changes a session's memory. Pure functions of (session id, event, state) so the
 * Kafka Streams aggregation and the unit tests share one definition. Every step returns a new
 * state and leaves its input untouched: the aggregate that Kafka Streams hands in may still sit
 * in its record cache.
 *
 * <p>Messages that leave the recent window are folded into the rolling {@link Summarizer summary}; every
 * user message is read for {@link FactExtractor facts}, a later value of a fact replacing an earlier one.
 */
public final class SessionFold {

    /** Summary bounds used when none are given: about a page of text, a line per message. */
    public static final int DEFAULT_SUMMARY_CHARS = 1000;
    public static final int DEFAULT_SUMMARY_MESSAGE_CHARS = 160;

    private final int recentMessages;
    private final Summarizer summarizer;
    private final FactExtractor facts;

    /** A fold with the default summary bounds. */
    public SessionFold(int recentMessages) {
        this(recentMessages, new Summarizer(DEFAULT_SUMMARY_CHARS, DEFAULT_SUMMARY_MESSAGE_CHARS), new FactExtractor());
    }

    /** @param recentMessages how many of the latest messages a state keeps (at least 1) */
    public SessionFold(int recentMessages, Summarizer summarizer, FactExtractor facts) {
        if (recentMessages < 1) {
            throw new IllegalArgumentException("recentMessages must be at least 1: " + recentMessages);
        }
        this.recentMessages = recentMessages;
        this.summarizer = summarizer;
        this.facts = facts;
    }

    /**
     * The state before a session's first event. Identity fields are blank, not absent, because the
     * schema requires them; the first event fills them in.
     */
    public SessionState empty() {
        return SessionState.newBuilder()
                .setSessionId("")
                .setTenant("")
                .setUser("")
                .setRecent(List.of())
                .setUsage(new Usage(0L, 0L, 0))
                .setUpdatedAt(Instant.EPOCH)
                .setSummary(null)
                .setFacts(Map.of())
                .build();
    }

    /**
     * An erasure request of the session's user: the state is dropped (null deletes it from the store and
     * writes a tombstone to {@code sessions.state}). A request naming another tenant or user changes nothing,
     * so a wrong session id cannot erase someone else's memory.
     */
    public SessionState erase(String sessionId, ErasureRequested request, SessionState state) {
        boolean sameUser = request.getTenant().equals(state.getTenant()) && request.getUser().equals(state.getUser());
        return sameUser ? null : state;
    }

    /**
     * A cleared user turn: one USER message, one more turn, where the user spoke last, and the facts the
     * message states (the text is already cleared by compliance, so they hold placeholders, not personal data).
     */
    public SessionState turn(String sessionId, TurnReceived turn, SessionState state) {
        Envelope envelope = turn.getEnvelope();
        ChatMessage message = ChatMessage.newBuilder()
                .setRole(Role.USER)
                .setText(turn.getText())
                .setAgent(null)
                .setTurnId(envelope.getTurnId())
                .setAt(envelope.getOccurredAt())
                .build();
        return appended(touched(sessionId, envelope, state), state, message)
                .setFacts(FactExtractor.merged(state.getFacts(), facts.extract(turn.getText())))
                .setTurns(state.getTurns() + 1)
                .setLastChannel(envelope.getChannel())
                .setLastTurnId(envelope.getTurnId())
                .build();
    }

    /** A cleared agent result: its usage is added, and its agent becomes the session's active agent. */
    public SessionState result(String sessionId, AgentResult result, SessionState state) {
        Usage total = state.getUsage();
        Usage used = result.getUsage();
        Usage sum = Usage.newBuilder()
                .setInputTokens(total.getInputTokens() + used.getInputTokens())
                .setOutputTokens(total.getOutputTokens() + used.getOutputTokens())
                .setIterations(total.getIterations() + used.getIterations())
                .build();
        return touched(sessionId, result.getEnvelope(), state)
                .setUsage(sum)
                .setActiveAgent(result.getAgent())
                .build();
    }

    /** A reply sent to the user: one AGENT message and one more reply. */
    public SessionState reply(String sessionId, ReplyOutbound reply, SessionState state) {
        Envelope envelope = reply.getEnvelope();
        ChatMessage message = ChatMessage.newBuilder()
                .setRole(Role.AGENT)
                .setText(reply.getText())
                .setAgent(reply.getAgent())
                .setTurnId(envelope.getTurnId())
                .setAt(envelope.getOccurredAt())
                .build();
        return appended(touched(sessionId, envelope, state), state, message)
                .setReplies(state.getReplies() + 1)
                .build();
    }

    /**
     * A copy of the state stamped with the event's identity and time. Every event carries the principal
     * and it never changes within a session, so any event may fill in a state that starts blank (a reply
     * can be read before its turn when the three topics are consumed at different speeds). For the same
     * reason the update time keeps the later of the two instants instead of moving backwards.
     */
    private static SessionState.Builder touched(String sessionId, Envelope envelope, SessionState state) {
        Instant occurredAt = envelope.getOccurredAt();
        Instant updatedAt = occurredAt.isAfter(state.getUpdatedAt()) ? occurredAt : state.getUpdatedAt();
        return copyOf(state)
                .setSessionId(sessionId)
                .setTenant(envelope.getPrincipal().getTenant())
                .setUser(envelope.getPrincipal().getUser())
                .setUpdatedAt(updatedAt);
    }

    /**
     * A shallow copy: the messages and usage it shares with {@code state} are never modified. Avro's own
     * copying builder ({@code SessionState.newBuilder(state)}) deep-copies by loading the nested record
     * classes through the thread's context class loader, which is not the application's class loader
     * on a Kafka Streams thread under Quarkus tests.
     */
    private static SessionState.Builder copyOf(SessionState state) {
        return SessionState.newBuilder()
                .setSessionId(state.getSessionId())
                .setTenant(state.getTenant())
                .setUser(state.getUser())
                .setRecent(state.getRecent())
                .setTurns(state.getTurns())
                .setReplies(state.getReplies())
                .setUsage(state.getUsage())
                .setActiveAgent(state.getActiveAgent())
                .setLastChannel(state.getLastChannel())
                .setLastTurnId(state.getLastTurnId())
                .setUpdatedAt(state.getUpdatedAt())
                .setSummary(state.getSummary())
                .setFacts(state.getFacts());
    }

    /** The message added to the window; whatever that pushes out of it goes into the summary. */
    private SessionState.Builder appended(SessionState.Builder next, SessionState state, ChatMessage message) {
        List<ChatMessage> all = new ArrayList<>(state.getRecent().size() + 1);
        all.addAll(state.getRecent());
        all.add(message);
        int from = Math.max(0, all.size() - recentMessages);
        if (from > 0) {
            next.setSummary(summarizer.fold(state.getSummary(), all.subList(0, from)));
        }
        return next.setRecent(new ArrayList<>(all.subList(from, all.size())));
    }
}
