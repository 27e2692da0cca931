package dev.switchboard.gateway;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;

/** Builds the {@link TurnReceived} that opens a turn for a validated web chat message. */
public final class Turns {

    /** The channel name carried in the envelope; replies are delivered back on it. */
    public static final String CHANNEL = "webchat";

    private Turns() {
    }

    /**
     * A new turn of the principal's session. Its turn and event ids derive from the message id (the client's, or one
     * the gateway made up), so a message sent again with the same id is the same turn: compliance publishes it once,
     * and a repeat is answered with the first one's reply. A message without an id gets fresh random ids.
     *
     * @param sessionId   the session of the principal (tenant, message user), from {@link SessionIds}
     * @param traceparent the W3C trace context of the request (see {@link Traceparent#fromHeaderOrNew})
     * @param replyTo     the gateway slots that want the turn's replies ({@code ReplyStreams#replyTo})
     */
    public static TurnReceived received(String tenant, String sessionId, InboundMessage message, String traceparent,
            List<Integer> replyTo, Instant now) {
        String messageKey = message.messageId() == null ? null : tenant + "/" + sessionId + "/" + message.messageId();
        Envelope envelope = Envelope.newBuilder()
                .setEventId(messageKey == null ? UUID.randomUUID().toString() : Envelopes.derivedId(messageKey, "event"))
                .setTenant(tenant)
                .setSessionId(sessionId)
                .setTurnId(messageKey == null ? UUID.randomUUID().toString() : Envelopes.derivedId(messageKey, "turn"))
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
