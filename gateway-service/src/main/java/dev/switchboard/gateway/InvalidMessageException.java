package dev.switchboard.gateway;

/** A message that breaks one of the gateway's rules; the message says which, in words a client can act on. */
public class InvalidMessageException extends RuntimeException {

    /** A required field is missing or blank. */
    public static final String MISSING_FIELD = "missing_field";
    /** A field is present but malformed. */
    public static final String INVALID_FIELD = "invalid_field";
    /** The text is longer than the configured limit. */
    public static final String TEXT_TOO_LONG = "text_too_long";

    private final String error;

    public InvalidMessageException(String error, String message) {
        super(message, null, false, false);
        this.error = error;
    }

    /** A stable, machine-readable code of the broken rule. */
    public String error() {
        return error;
    }
}
