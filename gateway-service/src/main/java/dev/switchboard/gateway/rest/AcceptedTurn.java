package dev.switchboard.gateway.rest;

import dev.switchboard.events.Envelope;

/** The answer to an accepted message: where its reply will come from. */
public record AcceptedTurn(String sessionId, String turnId, String eventId) {

    static AcceptedTurn of(Envelope envelope) {
        return new AcceptedTurn(envelope.getSessionId(), envelope.getTurnId(), envelope.getEventId());
    }
}
