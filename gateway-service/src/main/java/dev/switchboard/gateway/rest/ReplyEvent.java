package dev.switchboard.gateway.rest;

import dev.switchboard.events.ReplyOutbound;

/** One reply on a session's reply stream (the data of one Server-Sent Event). */
public record ReplyEvent(String turnId, String text, String kind, String agent, String eventId) {

    static ReplyEvent of(ReplyOutbound reply) {
        return new ReplyEvent(reply.getEnvelope().getTurnId(), reply.getText(), reply.getKind().name(),
                reply.getAgent(), reply.getEnvelope().getEventId());
    }
}
