package dev.switchboard.gateway.rest;

import jakarta.ws.rs.core.Response;

import dev.switchboard.events.Envelope;
import dev.switchboard.runtime.problem.Problem;

/**
 * The answer to a message the broker did not confirm in time (503 with {@code Retry-After}): a problem, as every error
 * answer, that says honestly that the turn may or may not have been published, and names the message id to send it
 * again with. Sent again with that id, it is the same turn: processed at most once, and answered with its reply.
 */
public record UnconfirmedTurn(String type, String title, int status, String detail, String code, String messageId,
        String sessionId, String turnId) {

    static final String CODE = "broker-unavailable";
    static final String RETRY_AFTER_SECONDS = "5";

    static Response response(Envelope turn, String messageId, String reason) {
        Problem problem = Problem.of(503, CODE, "The message was not confirmed, because " + reason + ": it may or may "
                + "not have been accepted. Send it again with \"messageId\": \"" + messageId + "\" (the same id): a "
                + "message is processed at most once per id, and a repeat is answered with the first one's reply");
        return Response.status(Response.Status.SERVICE_UNAVAILABLE).type(Problem.MEDIA_TYPE)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .entity(new UnconfirmedTurn(problem.type(), problem.title(), problem.status(), problem.detail(),
                        problem.code(), messageId, turn.getSessionId(), turn.getTurnId()))
                .build();
    }
}
