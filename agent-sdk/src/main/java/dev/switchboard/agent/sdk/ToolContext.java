package dev.switchboard.agent.sdk;

import dev.switchboard.agent.sdk.host.CallHandle;
import dev.switchboard.agent.sdk.host.Contexts;

import java.util.Objects;

/**
 * The runtime's side of one tool call. Declare a parameter of this type on a {@link Tool} method (without
 * {@link Param}) to receive it. Only the runtime makes one: it has no public constructor, and what it does
 * (an effect, an HTTP request) is checked by the runtime against the call it was made for, so a context
 * cannot be forged for another tenant, task or tool.
 */
public final class ToolContext {

    static {
        Contexts.register(ToolContext::new);
    }

    private final CallHandle call;

    private ToolContext(CallHandle call) {
        this.call = Objects.requireNonNull(call, "call");
    }

    /** The tenant and user the task is for. */
    public Principal principal() {
        return call.principal();
    }

    /** The conversation's session id. */
    public String sessionId() {
        return call.sessionId();
    }

    /** The id of the task being run; a redelivered task keeps its id. */
    public String taskId() {
        return call.taskId();
    }

    /** The number of this tool call's step in the task (1-based, counting model calls and tool calls). */
    public int step() {
        return call.step();
    }

    /**
     * Performs a side effect through the runtime, which checks at this moment that the tool is declared with
     * {@code sideEffects = true}, that its scope is granted for the task and that the task's deadline has not
     * passed. The effect gets an idempotency key ({@code taskId:step}, then {@code :2}, {@code :3} for further
     * effects of the same call) to pass to the system it changes. When the same task reaches the same effect
     * again (a redelivered task), the effect does not run: the result recorded the first time is returned.
     *
     * @param resultType what the effect returns; it is recorded as JSON
     * @throws EffectRefusedException when the runtime refuses the effect; nothing was done
     */
    public <T> T perform(Class<T> resultType, Effect<T> effect) {
        return call.perform(resultType, effect);
    }

    /**
     * The HTTP client for the tool's declared {@link Tool#egress() egress}: requests go to the base URL the
     * operator configured for it, with the credentials the operator configured, which the tool never sees.
     * A GET may run in any tool with an egress; any other method only inside {@link #perform}.
     *
     * @throws EffectRefusedException when the tool declares no egress
     */
    public HttpEgress http() {
        return new HttpEgress(call, call.egress());
    }
}
