package dev.switchboard.agent.sdk;

import java.util.Objects;

/**
 * What a tool may know about the call it serves. Declare a parameter of this type on a {@link Tool} method
 * (without {@link Param}) to receive it.
 */
public final class ToolContext {

    private final Principal principal;
    private final String sessionId;
    private final String taskId;
    private final int step;
    private final String toolName;
    private final boolean sideEffects;

    public ToolContext(Principal principal, String sessionId, String taskId, int step, String toolName,
                       boolean sideEffects) {
        this.principal = Objects.requireNonNull(principal, "principal");
        this.sessionId = sessionId;
        this.taskId = Objects.requireNonNull(taskId, "taskId");
        this.step = step;
        this.toolName = toolName;
        this.sideEffects = sideEffects;
    }

    /** The tenant and user the task is for. */
    public Principal principal() {
        return principal;
    }

    /** The conversation's session id. */
    public String sessionId() {
        return sessionId;
    }

    /** The id of the task being run; a redelivered task keeps its id. */
    public String taskId() {
        return taskId;
    }

    /** The number of this tool call's step in the task (1-based, counting model calls and tool calls). */
    public int step() {
        return step;
    }

    /**
     * The key to pass to the system the tool changes ({@code taskId + ":" + step}), so that a task delivered
     * twice performs the effect once: the same task replayed reaches the same step with the same key.
     *
     * @throws IllegalStateException when the tool is not declared with {@code sideEffects = true}
     */
    public String idempotencyKey() {
        if (!sideEffects) {
            throw new IllegalStateException("Tool '" + toolName
                    + "' is not declared with sideEffects = true; declare it to get an idempotency key");
        }
        return taskId + ":" + step;
    }
}
