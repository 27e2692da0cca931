package dev.switchboard.agent.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A public method of an {@link Agent} class that the model may call. Every parameter is either annotated
 * with {@link Param} (its value comes from the model, as JSON) or is a {@link ToolContext}. Parameter types
 * must be describable as JSON schema: {@code String}, {@code boolean}, the number primitives and their boxes,
 * {@code BigDecimal}, {@code BigInteger}, enums, records of these, and {@code List}/{@code Set} of these.
 *
 * <p>The return value is sent back to the model: a {@code String} as it is, anything else as JSON. An
 * exception becomes a tool error the model reads; it does not end the task.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Tool {

    /** The tool's name as the model sees it (letters, digits, underscores); defaults to the method name. */
    String name() default "";

    /** What the tool does and when to use it, written for the model. */
    String description();

    /**
     * The scope a task must grant for this tool to run, for example {@code "billing:refund"}; it must be one
     * of the agent's {@link Agent#scopes()}. Empty means the tool needs no scope.
     */
    String scope() default "";

    /**
     * True when the tool changes something outside the agent (a refund, an e-mail, a ticket). Such a tool
     * must declare a {@link #scope()}, and makes its change inside {@link ToolContext#perform}, which checks
     * scope and deadline at that moment and gives the idempotency key that keeps a redelivered task from
     * repeating the effect.
     */
    boolean sideEffects() default false;

    /**
     * The name of the one outside service the tool talks to, for example {@code "payments"}; empty means none.
     * The operator maps the name to a base URL and credentials; the tool reaches it only through
     * {@link ToolContext#http()}.
     */
    String egress() default "";
}
