package dev.switchboard.gateway.rest;

import dev.switchboard.events.Envelope;
import dev.switchboard.runtime.problem.Problem;

/**
 * The answer to a synchronous message whose reply did not come in time (504): a problem, as every error answer,
 * with three extension members that say which turn was accepted and so where its reply will come.
 */
public record PendingTurn(String type, String title, int status, String detail, String code, String sessionId,
        String turnId, String eventId) {

    static final String CODE = "reply-timeout";

    static PendingTurn of(Envelope turn, long waitedSeconds) {
        Problem problem = Problem.of(504, CODE, "The turn was accepted but no reply came within " + waitedSeconds
                + " s; the reply will still arrive on the session's reply stream (GET /v1/tenants/" + turn.getTenant()
                + "/sessions/" + turn.getSessionId() + "/replies)");
        return new PendingTurn(problem.type(), problem.title(), problem.status(), problem.detail(), problem.code(),
                turn.getSessionId(), turn.getTurnId(), turn.getEventId());
    }
}
