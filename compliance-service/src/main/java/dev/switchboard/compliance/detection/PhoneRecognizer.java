package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.Leniency;

/**
 * Telephone numbers, found by libphonenumber's matcher: international numbers ({@code +44 ...},
 * {@code 001-...}) in any region, national numbers as the configured regions write them, with
 * extensions. Each region is searched in turn (a national number only parses against its own
 * region's plan); numbers found twice are merged by the detector's overlap rule. Runs with fewer
 * than the configured minimum of digits are ignored, and so is a number just after a word that names
 * another kind of number ({@link #OTHER_NUMBER}: "licence", "passport", "zip"...).
 *
 * <p>With {@code contextForPossible}, a number that is not valid in any configured region's numbering
 * plan (libphonenumber's {@code VALID} leniency, which also wants the national prefix where the
 * region writes one) but has a plausible length ({@code POSSIBLE}) counts when it stands next to a
 * phone word ("phone", "call", "fax", "mobile", "office"...: {@link #CONTEXT}) in the
 * {@value #CONTEXT_BEFORE} characters before it or the {@value #CONTEXT_AFTER} after it. Numbers
 * outside the plans are common (made-up, new or reserved ranges, and short local numbers written
 * without their area code), but so are digit pairs that merely have a phone's length: a house and
 * a flat number, a postcode, a licence number.
 */
final class PhoneRecognizer implements Recognizer {

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    static final Pattern CONTEXT = Pattern.compile(
            "\\b(?:phone|telephone|tel|mobile|mob|cell|cellphone|fax|office|desk|call|calling|ring|reach|dial|text"
            + "|sms|whatsapp|contact|answering|landline|hotline|ext)\\b");
    /** Words that name another kind of number: what follows them is not a phone number, valid or not. */
    static final Pattern OTHER_NUMBER = Pattern.compile(
            "\\b(?:licen[cs]e|passport|zip|postcode|postal\\s+code|iban|ssn|social\\s+security)\\b");
    static final int OTHER_NUMBER_BEFORE = 30;
    static final int CONTEXT_BEFORE = 40;
    static final int CONTEXT_AFTER = 20;

    private final List<String> regions;
    private final Leniency leniency;
    /** Whether a second, {@code POSSIBLE} pass runs over texts that contain a phone word. */
    private final boolean contextForPossible;
    private final int minimumDigits;

    PhoneRecognizer(List<String> regions, boolean contextForPossible, int minimumDigits) {
        this.regions = List.copyOf(regions);
        this.contextForPossible = contextForPossible;
        this.leniency = Leniency.VALID;
        this.minimumDigits = minimumDigits;
    }

    /** A recognizer that takes every possible number, context or not; for measurements. */
    static PhoneRecognizer possibleOnly(List<String> regions, int minimumDigits) {
        return new PhoneRecognizer(regions, Leniency.POSSIBLE, minimumDigits);
    }

    private PhoneRecognizer(List<String> regions, Leniency leniency, int minimumDigits) {
        this.regions = List.copyOf(regions);
        this.contextForPossible = false;
        this.leniency = leniency;
        this.minimumDigits = minimumDigits;
    }

    @Override
    public void find(String text, List<Finding> out) {
        if (!Recognizer.hasDigit(text, minimumDigits)) {
            return;
        }
        String lower = text.toLowerCase(Locale.ROOT);
        boolean anyContext = contextForPossible && CONTEXT.matcher(lower).find();
        // One scan per region at the loosest level needed; a candidate without a phone word next to it
        // is then checked at VALID on its own, which costs far less than a second scan of the text.
        Leniency scan = anyContext ? Leniency.POSSIBLE : leniency;
        for (String region : regions) {
            for (PhoneNumberMatch match : PHONES.findNumbers(text, region, scan, Long.MAX_VALUE)) {
                if (digitCount(match.rawString()) < minimumDigits
                        || OTHER_NUMBER.matcher(lower).region(Math.max(0, match.start() - OTHER_NUMBER_BEFORE),
                                match.start()).find()) {
                    continue;
                }
                boolean accepted = scan == leniency
                        || hasContext(lower, match.start(), match.end())
                        || PHONES.findNumbers(match.rawString(), region, leniency, Long.MAX_VALUE).iterator().hasNext();
                if (accepted) {
                    out.add(Recognizer.finding(EntityType.PHONE, text, match.start(), match.end()));
                }
            }
        }
    }

    private static boolean hasContext(String lower, int start, int end) {
        return CONTEXT.matcher(lower).region(Math.max(0, start - CONTEXT_BEFORE), start).find()
                || CONTEXT.matcher(lower).region(end, Math.min(lower.length(), end + CONTEXT_AFTER)).find();
    }

    private static int digitCount(String raw) {
        int count = 0;
        for (int i = 0; i < raw.length(); i++) {
            if (Character.isDigit(raw.charAt(i))) {
                count++;
            }
        }
        return count;
    }
}
