package dev.switchboard.compliance;

/**
 * An event after redaction, ready to be audited and published.
 *
 * @param event      the cleared event, with the derived envelope and redacted text
 * @param content    the redacted content for the audit trail, as a JSON document
 * @param redactions how many values were replaced
 * @param decision   what compliance decided about the event, recorded in the audit row's {@code decision}:
 *                   {@value #REDACTED} when values were replaced, else {@value #CLEARED} (policies may give
 *                   others, such as {@code BLOCKED} or {@code FLAGGED})
 */
public record Cleared<T>(T event, String content, int redactions, String decision) {

    public static final String CLEARED = "CLEARED";
    public static final String REDACTED = "REDACTED";

    public Cleared {
        if (decision == null || decision.isBlank()) {
            throw new IllegalArgumentException("A cleared event needs a decision");
        }
    }

    /** An event whose only treatment was redaction: the decision follows from the number of replacements. */
    public Cleared(T event, String content, int redactions) {
        this(event, content, redactions, redactions > 0 ? REDACTED : CLEARED);
    }
}
