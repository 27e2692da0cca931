package dev.switchboard.memory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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
 */
public final class SessionFold {

    private final int recentMessages;

    /** @param recentMessages how many of the latest messages a state keeps (at least 1) */
    public SessionFold(int recentMessages) {
        if (recentMessages < 1) {
            throw new IllegalArgumentException("recentMessages must be at least 1: " + recentMessages);
        }
        this.recentMessages = recentMessages;
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

    /** A cleared user turn: one USER message, one more turn, and where the user spoke last. */
    public SessionState turn(String sessionId, TurnReceived turn, SessionState state) {
        Envelope envelope = turn.getEnvelope();
        ChatMessage message = ChatMessage.newBuilder()
                .setRole(Role.USER)
                .setText(turn.getText())
                .setAgent(null)
                .setTurnId(envelope.getTurnId())
                .setAt(envelope.getOccurredAt())
                .build();
        return touched(sessionId, envelope, state)
                .setRecent(appended(state.getRecent(), message))
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
        return touched(sessionId, envelope, state)
                .setRecent(appended(state.getRecent(), message))
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
                .setUpdatedAt(state.getUpdatedAt());
    }

    private List<ChatMessage> appended(List<ChatMessage> recent, ChatMessage message) {
        List<ChatMessage> all = new ArrayList<>(recent.size() + 1);
        all.addAll(recent);
        all.add(message);
        int from = Math.max(0, all.size() - recentMessages);
        return new ArrayList<>(all.subList(from, all.size()));
    }
}
