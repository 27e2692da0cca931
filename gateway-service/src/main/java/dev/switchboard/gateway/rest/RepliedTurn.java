package dev.switchboard.gateway.rest;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.ReplyOutbound;

/** The answer to a synchronous message: the turn and its reply. */
public record RepliedTurn(String sessionId, String turnId, String messageId, ReplyView reply) {

    static RepliedTurn of(Envelope turn, String messageId, ReplyOutbound reply) {
        return new RepliedTurn(turn.getSessionId(), turn.getTurnId(), messageId, ReplyView.of(reply));
    }
}
