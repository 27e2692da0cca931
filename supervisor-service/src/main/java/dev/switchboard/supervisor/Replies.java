package dev.switchboard.supervisor;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.schemas.Envelopes;

/** What the user is told when a task ends or a turn is rejected. */
public final class Replies {

    private Replies() {
    }

    /** The reply for a cleared agent result, whatever its outcome. */
    public static ReplyOutbound forResult(AgentResult result) {
        ReplyKind kind;
        String text;
        switch (result.getOutcome()) {
            case REPLY -> {
                kind = ReplyKind.AGENT_REPLY;
                text = result.getReply() == null ? "" : result.getReply();
            }
            case ESCALATION -> {
                kind = ReplyKind.ESCALATION;
                text = "I have passed your request to a human colleague, who will get back to you.";
            }
            case HANDOFF -> {
                // Reached only when the turn's task is no longer known (a late or replayed result):
                // handoffs of turns in progress are followed by Delegation.
                kind = ReplyKind.FAILURE;
                text = "Sorry, I could not route your request to the right specialist. Please try again later.";
            }
            default -> {
                kind = ReplyKind.FAILURE;
                text = "Sorry, something went wrong while answering. Please try again.";
            }
        }
        return of(result, kind, text);
    }

    /** A reply that ends the turn of {@code result}, from its agent. */
    public static ReplyOutbound of(AgentResult result, ReplyKind kind, String text) {
        return ReplyOutbound.newBuilder()
                .setEnvelope(Envelopes.derive(result.getEnvelope(), "reply"))
                .setKind(kind)
                .setText(text)
                .setAgent(result.getAgent())
                .build();
    }

    /** The reply for a turn compliance refused: the reason, never the content. */
    public static ReplyOutbound forRejection(TurnRejected rejected) {
        return ReplyOutbound.newBuilder()
                .setEnvelope(Envelopes.derive(rejected.getEnvelope(), "reply"))
                .setKind(ReplyKind.REJECTION)
                .setText(rejected.getReason())
                .setAgent(null)
                .build();
    }
}
