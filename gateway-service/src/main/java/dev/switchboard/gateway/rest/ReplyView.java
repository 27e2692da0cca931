package dev.switchboard.gateway.rest;

import dev.switchboard.events.ReplyOutbound;

/**
 * A reply as a client sees it in a synchronous answer.
 *
 * @param kind  AGENT_REPLY, ESCALATION, FAILURE, REJECTION or LIMIT
 * @param agent the agent that answered, if an agent did
 */
public record ReplyView(String text, String kind, String agent) {

    static ReplyView of(ReplyOutbound reply) {
        return new ReplyView(reply.getText(), reply.getKind().name(), reply.getAgent());
    }
}
