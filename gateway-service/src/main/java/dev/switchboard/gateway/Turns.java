package dev.switchboard.gateway;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;

/** Builds the {@link TurnReceived} that opens a turn for a validated web chat message. */
public final class Turns {

    /** The channel name carried in the envelope; replies are delivered back on it. */
    public static final String CHANNEL = "webchat";

    private Turns() {
    }

    /**
     * A new turn of the principal's session, with fresh random turn and event ids.
     *
     * @param sessionId   the session of the principal (tenant, message user), from {@link SessionIds}
     * @param traceparent the W3C trace context of the request (see {@link Traceparent#fromHeaderOrNew})
     * @param replyTo     the gateway slots that want the turn's replies ({@code ReplyStreams#replyTo})
     */
    public static TurnReceived received(String tenant, String sessionId, InboundMessage message, String traceparent,
            List<Integer> replyTo, Instant now) {
        Envelope envelope = Envelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setSessionId(sessionId)
                .setTurnId(UUID.randomUUID().toString())
                .setPrincipal(Principal.newBuilder().setTenant(tenant).setUser(message.user()).build())
                .setChannel(CHANNEL)
                .setDelegationChain(List.of())
                .setTraceparent(traceparent)
                .setOccurredAt(now)
                .setSchemaVersion(1)
                .setReplyTo(replyTo)
                .build();
        return TurnReceived.newBuilder()
                .setEnvelope(envelope)
                .setChannelMessageId(message.messageId())
                .setText(message.text())
                .build();
    }
}
