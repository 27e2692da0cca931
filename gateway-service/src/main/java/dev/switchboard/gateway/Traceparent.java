package dev.switchboard.gateway;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W3C trace context ({@code traceparent}) of a turn: the caller's, when it sent a valid one, so that the
 * turn joins the caller's trace; otherwise a new trace started here.
 */
public final class Traceparent {

    // version-traceid-parentid-flags; versions above 00 may append fields, which are dropped here.
    private static final Pattern FORMAT =
            Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_PARENT = "0".repeat(16);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Traceparent() {
    }

    /** The incoming header in version-00 form if it is valid, else a new sampled traceparent. */
    public static String fromHeaderOrNew(String header) {
        String valid = parse(header);
        return valid != null ? valid : generate();
    }

    /** The version-00 form of a valid header, or null when the header is missing or invalid. */
    public static String parse(String header) {
        if (header == null) {
            return null;
        }
        Matcher m = FORMAT.matcher(header.strip());
        if (!m.matches()) {
            return null;
        }
        String version = m.group(1);
        boolean extraFields = m.group(5) != null;
        if (version.equals("ff") || (version.equals("00") && extraFields)
                || m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_PARENT)) {
            return null;
        }
        return "00-" + m.group(2) + "-" + m.group(3) + "-" + m.group(4);
    }

    /** A new traceparent with a random trace id and parent id. */
    public static String generate() {
        HexFormat hex = HexFormat.of();
        String traceId;
        String parentId;
        do {
            traceId = hex.formatHex(randomBytes(16));
        } while (traceId.equals(ZERO_TRACE));
        do {
            parentId = hex.formatHex(randomBytes(8));
        } while (parentId.equals(ZERO_PARENT));
        return "00-" + traceId + "-" + parentId + "-01";
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
