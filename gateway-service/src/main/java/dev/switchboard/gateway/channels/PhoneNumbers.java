package dev.switchboard.gateway.channels;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;

/**
 * Phone numbers as channel user ids, always in E.164 ({@code +14158675309}), so that the same person is the
 * same channel user whether a platform writes the number with a plus (Twilio) or without (WhatsApp).
 */
public final class PhoneNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();

    private PhoneNumbers() {
    }

    /**
     * The E.164 form of an international number, with or without its leading plus.
     *
     * @throws IllegalArgumentException if it is not a phone number
     */
    public static String e164(String number) {
        if (number == null || number.isBlank()) {
            throw new IllegalArgumentException("missing phone number");
        }
        String international = number.strip().startsWith("+") ? number.strip() : "+" + number.strip();
        try {
            return UTIL.format(UTIL.parse(international, null), PhoneNumberFormat.E164);
        } catch (NumberParseException e) {
            throw new IllegalArgumentException("not a phone number: " + number, e);
        }
    }
}
