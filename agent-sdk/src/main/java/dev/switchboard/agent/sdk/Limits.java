package dev.switchboard.agent.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Hard limits of one task of an agent. All three are required and bounded; a task may lower them, never
 * raise them. Reaching one ends the task with a failure ({@code iteration_limit}, {@code token_limit} or
 * {@code timeout}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({})
public @interface Limits {

    /** The value of a limit that was not set; never a valid limit. */
    int UNSET = Integer.MIN_VALUE;

    /** The most model calls per task: 1 to 50. */
    int maxIterations() default UNSET;

    /** The most tokens (input plus output, as reported by the provider) per task: 1 to 1,000,000. */
    int maxTokens() default UNSET;

    /** The most wall-clock seconds per task: 1 to 600. */
    int timeoutSeconds() default UNSET;
}
