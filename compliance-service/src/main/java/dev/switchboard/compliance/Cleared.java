package dev.switchboard.compliance;

/**
 * An event after redaction, ready to be audited and published.
 *
 * @param event      the cleared event, with the derived envelope and redacted text
 * @param content    the redacted content for the audit trail, as a JSON document
 * @param redactions how many values were replaced
 */
public record Cleared<T>(T event, String content, int redactions) {
}
