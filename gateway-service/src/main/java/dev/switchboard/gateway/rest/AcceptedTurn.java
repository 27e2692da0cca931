package dev.switchboard.gateway.rest;

import dev.switchboard.events.Envelope;

/**
 * The answer to an accepted message: where its reply will come from, and the message id to send it again with (the
 * client's, or the one the gateway made up).
 */
public record AcceptedTurn(String sessionId, String turnId, String eventId, String messageId) {

    static AcceptedTurn of(Envelope envelope, String messageId) {
        return new AcceptedTurn(envelope.getSessionId(), envelope.getTurnId(), envelope.getEventId(), messageId);
    }
}
