package dev.switchboard.agent.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An agent this agent may hand the conversation to. The model sees the declared targets in the built-in
 * {@code handoff} tool; it cannot hand off anywhere else.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Handoff {

    /** The target agent's id; it must be an agent of the same build or a known agent. */
    String to();

    /** When to hand off, written for the model, for example {@code "the question is not about billing"}. */
    String when();
}
