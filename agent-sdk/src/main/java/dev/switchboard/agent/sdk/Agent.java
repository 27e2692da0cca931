package dev.switchboard.agent.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares an expert agent: its id, what it is for, the scopes it may use, the agents it may hand off to,
 * its limits and the model it runs on. The class must implement {@link ExpertAgent} and have a public
 * no-argument constructor; its {@link Tool} methods are the tools the model may call.
 *
 * <p>Checked when the agent's module compiles (the SDK's annotation processor) and again when the runtime
 * loads the agent. The runtime enforces what is declared here: a tool whose scope was not granted for a
 * task does not run, and a task never goes beyond {@link #limits()}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Agent {

    /** Unique kebab-case id, for example {@code billing-agent}; tasks are routed to the agent by it. */
    String id();

    /** What the agent does, in one sentence; routers and other agents read it. */
    String description();

    /**
     * The most the agent may ever do, for example {@code {"billing:read", "billing:refund"}}. A task
     * grants a subset of these; every {@link Tool#scope()} must be one of them.
     */
    String[] scopes() default {};

    /** The agents this one may hand the conversation to, and when. */
    Handoff[] handoffs() default {};

    /** Hard limits per task. Required: the default is "not set", which fails compilation. */
    Limits limits() default @Limits;

    /** The name of the model the runtime gives this agent; {@code "default"} is the runtime's default model. */
    String model() default "default";
}
