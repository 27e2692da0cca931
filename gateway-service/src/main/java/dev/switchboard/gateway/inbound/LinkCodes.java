package dev.switchboard.gateway.inbound;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.switchboard.gateway.ApiKeys;

/**
 * One-time link codes: ten characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), shown as
 * {@code XXXXX-XXXXX}. That is 30^10, about 2^49 codes, so guessing one of the few outstanding codes of a
 * tenant within its ten minutes is hopeless even without a limit on attempts.
 *
 * <p>A channel message is a link code when its whole text is {@code LINK XXXXX-XXXXX} (the hyphen may be
 * a space or left out) or the bare {@code XXXXX-XXXXX} with its hyphen; case and surrounding space do not
 * matter. The bare form needs the hyphen so that an ordinary ten-letter word is never taken for a code.
 * Only the SHA-256 of the normalised code (ten upper-case characters) is ever stored.
 */
public final class LinkCodes {

    static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
    static final int LENGTH = 10;

    private static final String GROUP = "([" + ALPHABET + "]{5})";
    private static final Pattern MESSAGE = Pattern.compile(
            "\\s*(?:LINK\\s+" + GROUP + "[-\\s]?" + GROUP + "|" + GROUP + "-" + GROUP + ")\\s*");

    private LinkCodes() {
    }

    /** A new random code, in its display form {@code XXXXX-XXXXX}. */
    public static String generate(SecureRandom random) {
        StringBuilder code = new StringBuilder(LENGTH + 1);
        for (int i = 0; i < LENGTH; i++) {
            if (i == LENGTH / 2) {
                code.append('-');
            }
            code.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return code.toString();
    }

    /** The normalised code that a channel message consists of, or empty when the message is not a link code. */
    public static Optional<String> parse(String text) {
        if (text == null || text.length() > 64) {
            return Optional.empty();
        }
        Matcher m = MESSAGE.matcher(text.toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(m.group(1) != null ? m.group(1) + m.group(2) : m.group(3) + m.group(4));
    }

    /** The hex SHA-256 of a code, in display or normalised form. */
    public static String sha256Hex(String code) {
        return ApiKeys.sha256Hex(code.replace("-", "").toUpperCase(Locale.ROOT));
    }

    /** The key of a code on {@code identity.link-codes}: {@code <tenant>/<sha256 hex>}. */
    public static String key(String tenant, String codeSha256) {
        return tenant + "/" + codeSha256;
    }
}
