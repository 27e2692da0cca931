package dev.switchboard.agent.sdk.loop;

import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.definition.ToolDefinition;

import java.time.Instant;
import java.util.Set;

/**
 * Where an agent's code runs: its instructions and its tool calls. The loop, the model and the budget stay
 * with the caller; {@link dev.switchboard.agent.sdk.host.ToolProcess} runs the agent's code in a process of
 * its own.
 */
public interface ToolRunner extends AutoCloseable {

    /** One tool call of a task. */
    record Invocation(ToolDefinition tool, String argumentsJson, Principal principal, String sessionId,
                      String taskId, int step, Set<String> grantedScopes, Instant deadline) {
    }

    /** How a tool call ended. */
    enum Status { OK, ERROR, TIMEOUT }

    /**
     * What a tool call gave.
     *
     * @param text   what the model reads (already capped in size)
     * @param detail a short note for the task's steps, for example the effects it performed
     */
    record Outcome(Status status, String text, String detail) {
    }

    /** The agent's system instructions. */
    String instructions();

    /** Runs one tool call; never throws for the tool's failures and returns by the invocation's deadline. */
    Outcome call(Invocation invocation);

    /** The task ended: whatever the agent kept for it is dropped. */
    void taskEnded(Principal principal, String taskId);

    @Override
    void close();
}
