package dev.switchboard.memory;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;

/** Events of one session as the upstream services would write them. */
public final class TestEvents {

    public static final String TENANT = "acme";
    public static final String USER = "user-42";

    private TestEvents() {
    }

    public static Envelope envelope(String sessionId, String turnId, Instant at) {
        return envelope(TENANT, USER, sessionId, turnId, at);
    }

    public static Envelope envelope(String tenant, String user, String sessionId, String turnId, Instant at) {
        return Envelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setSessionId(sessionId)
                .setTurnId(turnId)
                .setPrincipal(new Principal(tenant, user, Map.of()))
                .setChannel("webchat")
                .setOccurredAt(at)
                .build();
    }

    public static TurnReceived turn(String sessionId, String turnId, String text, Instant at) {
        return turn(TENANT, USER, sessionId, turnId, text, at);
    }

    /** A user's message in a session of the given tenant. */
    public static TurnReceived turn(String tenant, String user, String sessionId, String turnId, String text,
            Instant at) {
        return TurnReceived.newBuilder()
                .setEnvelope(envelope(tenant, user, sessionId, turnId, at))
                .setText(text)
                .build();
    }

    public static AgentResult result(String sessionId, String turnId, String agent, Usage usage, Instant at) {
        return AgentResult.newBuilder()
                .setEnvelope(envelope(sessionId, turnId, at))
                .setTaskId(UUID.randomUUID().toString())
                .setAgent(agent)
                .setOutcome(Outcome.REPLY)
                .setReply("reply of " + agent)
                .setUsage(usage)
                .build();
    }

    public static ReplyOutbound reply(String sessionId, String turnId, String agent, String text, Instant at) {
        return ReplyOutbound.newBuilder()
                .setEnvelope(envelope(sessionId, turnId, at))
                .setKind(ReplyKind.AGENT_REPLY)
                .setText(text)
                .setAgent(agent)
                .build();
    }

    public static Usage usage(long input, long output, int iterations) {
        return new Usage(input, output, iterations);
    }
}
