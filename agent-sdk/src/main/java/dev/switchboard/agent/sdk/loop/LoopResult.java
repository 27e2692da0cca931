package dev.switchboard.agent.sdk.loop;

import java.util.List;

/**
 * How an agent task ended. Exactly one of {@code reply}, {@code handoff}, {@code escalation} and
 * {@code failure} is set, as {@code outcome} says.
 *
 * @param outcome    how it ended
 * @param reply      the final answer for the user (REPLY)
 * @param handoff    the agent to continue with, why, and what it should know (HANDOFF)
 * @param escalation why a human is needed (ESCALATION)
 * @param failure    what went wrong (FAILURE)
 * @param usage      tokens and model calls the task consumed
 * @param steps      every model call, tool call and denial, in order
 * @param model      the id of the model that ran the loop
 */
public record LoopResult(Outcome outcome, String reply, HandoffRequest handoff, String escalation, Failure failure,
                         Usage usage, List<Step> steps, String model) {

    /** How a task ended. */
    public enum Outcome { REPLY, HANDOFF, ESCALATION, FAILURE }

    /** Failure code: the task made as many model calls as it may. */
    public static final String ITERATION_LIMIT = "iteration_limit";
    /** Failure code: the task used as many tokens as it may. */
    public static final String TOKEN_LIMIT = "token_limit";
    /** Failure code: the task ran out of time. */
    public static final String TIMEOUT = "timeout";
    /** Failure code: the model call failed. */
    public static final String MODEL_ERROR = "model_error";

    /**
     * A handoff to another agent.
     *
     * @param target  the agent's id, one of the declared handoffs
     * @param reason  why, in the model's words
     * @param context what the next agent should know (may be null)
     */
    public record HandoffRequest(String target, String reason, String context) {
    }

    /**
     * Why a task failed.
     *
     * @param code    {@link #ITERATION_LIMIT}, {@link #TOKEN_LIMIT}, {@link #TIMEOUT} or {@link #MODEL_ERROR}
     * @param message a clear sentence for people
     */
    public record Failure(String code, String message) {
    }

    /**
     * What a task consumed, as reported by the model provider.
     *
     * @param inputTokens  prompt tokens over all model calls
     * @param outputTokens completion tokens over all model calls
     * @param iterations   model calls
     */
    public record Usage(long inputTokens, long outputTokens, int iterations) {

        public long totalTokens() {
            return inputTokens + outputTokens;
        }
    }

    public LoopResult {
        steps = List.copyOf(steps);
    }
}
