package dev.switchboard.compliance.audit;

/**
 * What can be read of a row's content.
 *
 * @param json    the redacted content as a JSON document; {@code null} when it cannot be read
 * @param erased  the user's data key was destroyed: the content is gone for good, as intended
 * @param problem why content that should be readable is not (it was altered); {@code null} otherwise
 */
public record StoredContent(String json, boolean erased, String problem) {

    public static StoredContent readable(String json) {
        return new StoredContent(json, false, null);
    }

    public static StoredContent erasedContent() {
        return new StoredContent(null, true, null);
    }

    public static StoredContent unreadable(String problem) {
        return new StoredContent(null, false, problem);
    }
}
