package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * E-mail addresses: lenient about the local part, strict about the domain (at least one dot and an
 * alphabetic top-level domain), matched only as a whole token. Same rule as the module's
 * {@code EmailRedactor}, so both agree on what an address is.
 */
final class EmailRecognizer implements Recognizer {

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+'-])"
            + "[A-Za-z0-9_%+'-]+(?:\\.[A-Za-z0-9_%+'-]+)*"
            + "@"
            + "(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
            + "[A-Za-z]{2,63}"
            + "(?![A-Za-z0-9-]|\\.[A-Za-z0-9])");

    @Override
    public void find(String text, List<Finding> out) {
        if (text.indexOf('@') < 0) {
            return;
        }
        Matcher m = EMAIL.matcher(text);
        while (m.find()) {
            out.add(Recognizer.finding(EntityType.EMAIL, text, m.start(), m.end()));
        }
    }
}
