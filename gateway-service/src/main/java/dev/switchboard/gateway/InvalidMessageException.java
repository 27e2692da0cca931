package dev.switchboard.gateway;

import jakarta.ws.rs.core.Response;

import dev.switchboard.runtime.problem.ProblemException;

/**
 * A message that breaks one of the gateway's rules: a problem answer whose detail says which rule, in words a
 * client can act on (400, or 413 for a text over the length limit).
 */
public class InvalidMessageException extends ProblemException {

    /** A required field is missing or blank. */
    public static final String MISSING_FIELD = "missing-field";
    /** A field is present but malformed. */
    public static final String INVALID_FIELD = "invalid-field";
    /** The text is longer than the configured limit. */
    public static final String TEXT_TOO_LONG = "text-too-long";

    public InvalidMessageException(String code, String detail) {
        super(TEXT_TOO_LONG.equals(code) ? Response.Status.REQUEST_ENTITY_TOO_LARGE : Response.Status.BAD_REQUEST,
                code, detail);
    }
}
