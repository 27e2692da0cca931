package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Payment card numbers: 13 to 19 digits (12 for Maestro, which issues such short numbers), written
 * as one run or in the printed groups (4-4-4-4[-3], 4-6-5 Amex, 4-6-4 Diners) with one kind of
 * separator, a known issuer prefix and a valid Luhn check digit.
 *
 * <p>The issuer check keeps the major industry identifiers that card schemes use (2 Mastercard/Mir,
 * 3 Amex/JCB/Diners, 4 Visa, 5 Mastercard/Maestro, 6 Discover/UnionPay/Maestro/RuPay) and the few
 * legacy prefixes outside them (JCB 1800 and 2131, Maestro 0604); it rejects numbers starting with
 * 0, 1, 7, 8 or 9 otherwise, which removes a fifth of the random digit runs that pass Luhn.
 */
final class CreditCardRecognizer implements Recognizer {

    private static final Pattern CANDIDATE = Pattern.compile(
            "(?<![\\w-]|\\d\\.)"
            + "(?:\\d{12,19}"
            + "|\\d{4}([ -])\\d{4}\\1\\d{4}\\1\\d{1,4}(?:\\1\\d{1,3})?"
            + "|\\d{4}([ -])\\d{6}\\2\\d{4,5})"
            + "(?![\\w-]|\\.\\d)");

    @Override
    public void find(String text, List<Finding> out) {
        if (!Recognizer.hasDigit(text, 12)) {
            return;
        }
        Matcher m = CANDIDATE.matcher(text);
        while (m.find()) {
            if (isValid(digitsOf(m.group()))) {
                out.add(Recognizer.finding(EntityType.CREDIT_CARD, text, m.start(), m.end()));
            }
        }
    }

    static boolean isValid(String digits) {
        int length = digits.length();
        if (length < 12 || length > 19) {
            return false;
        }
        if (length == 12 && !isMaestro(digits)) {
            return false;
        }
        return knownIssuer(digits) && luhn(digits) && !allSame(digits);
    }

    private static boolean isMaestro(String digits) {
        return digits.startsWith("50") || digits.startsWith("56") || digits.startsWith("57")
                || digits.startsWith("58") || digits.startsWith("6") || digits.startsWith("0604");
    }

    private static boolean knownIssuer(String digits) {
        char first = digits.charAt(0);
        return switch (first) {
            case '2', '3', '4', '5', '6' -> true;
            case '1' -> digits.startsWith("1800");
            case '0' -> digits.startsWith("0604");
            default -> false;
        };
    }

    static boolean luhn(String digits) {
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    private static boolean allSame(String digits) {
        for (int i = 1; i < digits.length(); i++) {
            if (digits.charAt(i) != digits.charAt(0)) {
                return false;
            }
        }
        return true;
    }

    private static String digitsOf(String candidate) {
        StringBuilder digits = new StringBuilder(candidate.length());
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            }
        }
        return digits.toString();
    }
}
