package dev.switchboard.compliance.detection;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * International Bank Account Numbers: a country code with a registered IBAN length, two check digits
 * and the BBAN, written in one run or in groups separated by single spaces, in either case, and valid
 * under the ISO 13616 check (the number, rearranged and read in base 36, is 1 modulo 97).
 */
final class IbanRecognizer implements Recognizer {

    /** IBAN lengths by country, from the SWIFT IBAN registry. */
    private static final Map<String, Integer> LENGTHS = lengths(
            "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BI27 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DJ27 "
            + "DK18 DO28 EE20 EG29 ES24 FI18 FK18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 "
            + "IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 LY25 MC27 MD24 ME22 MK19 "
            + "MN20 MR27 MT31 MU30 NI28 NL18 NO15 OM23 PK24 PL28 PS29 PT25 QA29 RO24 RS22 RU33 SA24 SC31 "
            + "SD18 SE24 SI19 SK24 SM27 SO23 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20 YE30");

    private static final Pattern CANDIDATE = Pattern.compile(
            "(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}(?: ?[A-Za-z0-9]){11,31}");

    private static final BigInteger NINETY_SEVEN = BigInteger.valueOf(97);

    @Override
    public void find(String text, List<Finding> out) {
        if (!Recognizer.hasDigit(text, 4)) {
            return;
        }
        Matcher m = CANDIDATE.matcher(text);
        int from = 0;
        while (from < text.length() && m.find(from)) {
            int end = ibanEnd(text, m.start(), m.end());
            if (end > 0) {
                out.add(Recognizer.finding(EntityType.IBAN, text, m.start(), end));
                from = end;
            } else {
                from = m.start() + 1;
            }
        }
    }

    /** Where the IBAN starting at {@code start} ends, or -1 when the candidate is not a valid one. */
    private static int ibanEnd(String text, int start, int candidateEnd) {
        Integer length = LENGTHS.get(text.substring(start, start + 2).toUpperCase());
        if (length == null) {
            return -1;
        }
        StringBuilder iban = new StringBuilder(length);
        int i = start;
        while (i < candidateEnd && iban.length() < length) {
            char c = text.charAt(i++);
            if (c != ' ') {
                iban.append(Character.toUpperCase(c));
            }
        }
        boolean endsAtTokenBoundary = i >= text.length() || !Character.isLetterOrDigit(text.charAt(i));
        return iban.length() == length && endsAtTokenBoundary && isValid(iban.toString()) ? i : -1;
    }

    /** The ISO 13616 check on an IBAN without spaces, in upper case. */
    static boolean isValid(String iban) {
        Integer length = iban.length() >= 4 ? LENGTHS.get(iban.substring(0, 2)) : null;
        if (length == null || length != iban.length()) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder digits = new StringBuilder(rearranged.length() * 2);
        for (int i = 0; i < rearranged.length(); i++) {
            char c = rearranged.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                digits.append(c - 'A' + 10);
            } else {
                return false;
            }
        }
        return new BigInteger(digits.toString()).mod(NINETY_SEVEN).intValue() == 1;
    }

    private static Map<String, Integer> lengths(String table) {
        return java.util.Arrays.stream(table.split(" "))
                .collect(java.util.stream.Collectors.toUnmodifiableMap(
                        entry -> entry.substring(0, 2), entry -> Integer.parseInt(entry.substring(2))));
    }
}
