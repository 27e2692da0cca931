package dev.switchboard.gateway.rest;

import dev.switchboard.events.Envelope;
import dev.switchboard.runtime.problem.Problem;

/**
 * The answer to a synchronous message whose reply did not come in time (504): a problem, as every error answer,
 * with extension members that say which turn was accepted, where its reply will come, and the message id to send it
 * again with.
 */
public record PendingTurn(String type, String title, int status, String detail, String code, String sessionId,
        String turnId, String eventId, String messageId) {

    static final String CODE = "reply-timeout";

    static PendingTurn of(Envelope turn, String messageId, long waitedSeconds) {
        Problem problem = Problem.of(504, CODE, "The turn was accepted but no reply came within " + waitedSeconds
                + " s; the reply will still arrive on the session's reply stream (GET /v1/tenants/" + turn.getTenant()
                + "/sessions/" + turn.getSessionId() + "/replies), or as the answer to the same message sent again with "
                + "the same messageId");
        return new PendingTurn(problem.type(), problem.title(), problem.status(), problem.detail(), problem.code(),
                turn.getSessionId(), turn.getTurnId(), turn.getEventId(), messageId);
    }
}
