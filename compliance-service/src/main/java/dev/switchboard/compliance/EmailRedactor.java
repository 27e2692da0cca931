package dev.switchboard.compliance;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces e-mail addresses with {@value #TOKEN}. An address is a local part of the characters RFC 5322
 * allows unquoted, an {@code @}, and a domain of dot-separated labels ending in a top-level domain of
 * at least two letters; a match must not continue a longer word (so {@code a@b} or {@code @handle} stay).
 */
public final class EmailRedactor {

    public static final String TOKEN = "[EMAIL]";

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![\\w.%+\\-@])"
                    + "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-]+)*"
                    + "@"
                    + "(?:[A-Za-z0-9](?:[A-Za-z0-9\\-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}"
                    + "(?![\\w\\-])");

    /** Text with its addresses replaced, and how many there were. */
    public record Redacted(String text, int count) {
    }

    /** Redacts a text; null stays null. */
    public Redacted redact(String text) {
        if (text == null) {
            return new Redacted(null, 0);
        }
        Matcher matcher = EMAIL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        int count = 0;
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(TOKEN));
            count++;
        }
        matcher.appendTail(out);
        return new Redacted(out.toString(), count);
    }
}
