package dev.switchboard.supervisor;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.schemas.Envelopes;

/** What the user is told when a task ends, a turn is rejected, or the supervisor ends a turn itself. */
public final class Replies {

    public static final String TIMEOUT = "Sorry, this is taking longer than it should, so I stopped. Please try again in a moment.";
    public static final String SESSION_BUDGET = "Sorry, this conversation has used up its allowance, so I cannot answer more here. "
            + "Please contact support if you need more help.";
    public static final String DAILY_BUDGET = "Sorry, the service has reached its usage limit for today. Please try again tomorrow.";
    public static final String WITH_HUMAN = "A colleague is looking after this conversation and has your message.";
    public static final String NO_AGENT = "Sorry, nobody is available to answer your request right now. Please try again later.";

    private Replies() {
    }

    /**
     * The reply for the current task's result, whatever its outcome: addressed by the task the supervisor issued
     * (its envelope and agent), never by the result, whose envelope is agent output.
     *
     * @param task   the turn's current task, as the supervisor stored it
     * @param result the result that answers it
     */
    public static ReplyOutbound forResult(AgentTask task, AgentResult result) {
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
            default -> {
                kind = ReplyKind.FAILURE;
                text = "Sorry, something went wrong while answering. Please try again.";
            }
        }
        return of(task, kind, text);
    }

    /** What the user is told when a budget stops a dispatch. */
    public static String budgetExhausted(String budget) {
        return Budget.SESSION_TOKENS.equals(budget) ? SESSION_BUDGET : DAILY_BUDGET;
    }

    /** A reply that ends the turn of {@code task}, from its agent. */
    public static ReplyOutbound of(AgentTask task, ReplyKind kind, String text) {
        return of(task.getEnvelope(), task.getAgent(), kind, text);
    }

    /** A reply that ends the turn {@code source} belongs to. */
    public static ReplyOutbound of(Envelope source, String agent, ReplyKind kind, String text) {
        return ReplyOutbound.newBuilder()
                .setEnvelope(Envelopes.derive(source, "reply"))
                .setKind(kind)
                .setText(text)
                .setAgent(agent)
                .build();
    }

    /** The reply for a turn compliance refused: the reason, never the content. */
    public static ReplyOutbound forRejection(TurnRejected rejected) {
        return of(rejected.getEnvelope(), null, ReplyKind.REJECTION, rejected.getReason());
    }
}
