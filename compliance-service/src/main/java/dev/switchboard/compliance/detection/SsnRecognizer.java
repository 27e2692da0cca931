package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * US Social Security Numbers. {@code AAA-GG-SSSS} is taken on its own; the same nine digits with
 * spaces or without separators are too common in other numbers (phone numbers, order ids), so they
 * count only after a context word ("SSN", "social security", "SS#") in the 40 characters before.
 * Numbers that were never issued are rejected: area 000, 666 or 900-999, group 00, serial 0000.
 */
final class SsnRecognizer implements Recognizer {

    private static final Pattern DASHED = Pattern.compile(
            "(?<![\\w-])(\\d{3})-(\\d{2})-(\\d{4})(?![\\w-]|[.,]\\d)");
    private static final Pattern UNDASHED = Pattern.compile(
            "(?<![\\w-])(\\d{3}) ?(\\d{2}) ?(\\d{4})(?![\\w-]|[.,]\\d)");
    private static final Pattern CONTEXT = Pattern.compile(
            "\\bssn\\b|\\bss#|social\\s+security|\\bss\\s+(?:no|num|number)\\b");
    private static final int CONTEXT_WINDOW = 40;

    @Override
    public void find(String text, List<Finding> out) {
        if (!Recognizer.hasDigit(text, 9)) {
            return;
        }
        Matcher m = DASHED.matcher(text);
        while (m.find()) {
            if (isValid(m.group(1), m.group(2), m.group(3))) {
                out.add(Recognizer.finding(EntityType.US_SSN, text, m.start(), m.end()));
            }
        }
        String lower = null;
        m = UNDASHED.matcher(text);
        while (m.find()) {
            if (!isValid(m.group(1), m.group(2), m.group(3))) {
                continue;
            }
            if (lower == null) {
                lower = text.toLowerCase(Locale.ROOT);
            }
            String before = lower.substring(Math.max(0, m.start() - CONTEXT_WINDOW), m.start());
            if (CONTEXT.matcher(before).find()) {
                out.add(Recognizer.finding(EntityType.US_SSN, text, m.start(), m.end()));
            }
        }
    }

    static boolean isValid(String area, String group, String serial) {
        int a = Integer.parseInt(area);
        return a != 0 && a != 666 && a < 900 && !"00".equals(group) && !"0000".equals(serial);
    }
}
