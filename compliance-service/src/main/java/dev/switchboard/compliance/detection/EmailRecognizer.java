package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses: lenient about the local part (letters of any script, digits, {@code . _ % + ' -}), strict about
 * the domain (at least two labels of letters, digits and inner hyphens, each at most 63 characters, and an
 * alphabetic top-level domain), matched only as a whole token.
 *
 * <p>The pattern has no repeated group: Java's regex engine recurses once per repetition of a group, so a pattern
 * like {@code (?:\.[a-z]+)*} throws {@link StackOverflowError} on a few thousand dots. Each side of the {@code @} is
 * matched as one flat run of characters instead, and the domain's labels are checked in code.
 */
final class EmailRecognizer implements Recognizer {

    private static final String LOCAL_CHAR = "\\p{L}\\p{M}\\p{N}_%+'\\-";
    private static final Pattern EMAIL = Pattern.compile(
            "(?<![" + LOCAL_CHAR + ".])"
            + "[" + LOCAL_CHAR + "](?:[" + LOCAL_CHAR + ".]*[" + LOCAL_CHAR + "])?"
            + "@"
            + "([A-Za-z0-9](?:[A-Za-z0-9.\\-]*[A-Za-z0-9])?)"
            + "(?![A-Za-z0-9\\-]|\\.[A-Za-z0-9])");
    private static final int MAX_LABEL = 63;

    @Override
    public void find(String text, List<Finding> out) {
        if (text.indexOf('@') < 0) {
            return;
        }
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            if (isDomain(m.group(1))) {
                out.add(Recognizer.finding(EntityType.EMAIL, text, m.start(), m.end()));
            }
        }
    }

    /** At least two labels, none empty, longer than 63 or starting or ending with a hyphen; an alphabetic TLD. */
    static boolean isDomain(String domain) {
        String[] labels = domain.split("\\.", -1);
        if (labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (label.isEmpty() || label.length() > MAX_LABEL || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
        }
        String tld = labels[labels.length - 1];
        return tld.length() >= 2 && tld.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
    }
}
