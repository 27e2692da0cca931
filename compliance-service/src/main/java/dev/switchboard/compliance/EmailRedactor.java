package dev.switchboard.compliance;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces e-mail addresses in free text with {@value #TOKEN}.
 *
 * <p>The pattern is lenient about the local part (a compliance filter should rather redact too much
 * than too little) and strict about the domain: at least one dot and an alphabetic top-level domain of
 * two or more letters, so {@code @handles}, {@code user@localhost} and {@code 1@2.50} are left alone.
 * An address is matched only as a whole token: it may not start or end in the middle of a word.
 */
public final class EmailRedactor {

    /** What an address is replaced with. */
    public static final String TOKEN = "[EMAIL]";

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+'-])"                                  // not inside a longer word
            + "[A-Za-z0-9_%+'-]+(?:\\.[A-Za-z0-9_%+'-]+)*"             // local part, dots between atoms
            + "@"
            + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+" // domain labels
            + "[A-Za-z]{2,63}"                                        // top-level domain
            + "(?![A-Za-z0-9-]|\\.[A-Za-z0-9])");                     // and not a prefix of a longer name

    private EmailRedactor() {
    }

    /** The text with every address replaced, and how many were; {@code null} stays {@code null}. */
    public static Redaction redact(String text) {
        if (text == null || text.indexOf('@') < 0) {
            return new Redaction(text, 0);
        }
        Matcher matcher = EMAIL.matcher(text);
        StringBuilder redacted = new StringBuilder(text.length());
        int count = 0;
        while (matcher.find()) {
            matcher.appendReplacement(redacted, Matcher.quoteReplacement(TOKEN));
            count++;
        }
        matcher.appendTail(redacted);
        return new Redaction(redacted.toString(), count);
    }

    /**
     * A redacted text.
     *
     * @param text  the text with addresses replaced ({@code null} if the input was)
     * @param count how many addresses were replaced
     */
    public record Redaction(String text, int count) {
    }
}
