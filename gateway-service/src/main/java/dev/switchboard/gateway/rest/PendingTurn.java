package dev.switchboard.gateway.rest;

import dev.switchboard.events.Envelope;

/** The answer to a synchronous message whose reply did not come in time: an error that says where it will come. */
public record PendingTurn(String error, String message, String sessionId, String turnId, String eventId) {

    static PendingTurn of(Envelope turn, long waitedSeconds) {
        return new PendingTurn("reply_timeout",
                "the turn was accepted but no reply came within " + waitedSeconds + " s; the reply will still "
                        + "arrive on the session's reply stream (GET /v1/tenants/" + turn.getTenant() + "/sessions/"
                        + turn.getSessionId() + "/replies)",
                turn.getSessionId(), turn.getTurnId(), turn.getEventId());
    }
}
