package dev.switchboard.agent.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A tool parameter the model fills in: its name in the JSON arguments and what it means. */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Param {

    /** The argument's name in the tool's JSON arguments, for example {@code "invoiceId"}. */
    String name();

    /** What the argument means, written for the model. */
    String description() default "";
}
