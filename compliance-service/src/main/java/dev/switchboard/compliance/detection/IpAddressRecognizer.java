package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * IPv4 and IPv6 addresses.
 *
 * <p>IPv4: four dotted octets, each at most 255 and without a leading zero, not part of a longer
 * dotted number (so the version string {@code 1.2.3.4.5} and the French phone number
 * {@code 01.84.17.61.18} are not addresses) and not glued to a word ({@code v1.2.3.4}).
 *
 * <p>IPv6: a candidate of hexadecimal groups and colons is parsed by the RFC 4291 rules (eight groups
 * of one to four hex digits, or fewer with exactly one {@code ::}, optionally ending in a dotted IPv4),
 * written here rather than with {@code InetAddress}, which would resolve a non-literal as a host name.
 * At least two groups must be written out, so clock times ({@code 12:30:45}), MAC addresses (six
 * groups) and C++ scopes ({@code std::map}) are not addresses; {@code ::1} is not reported either.
 */
final class IpAddressRecognizer implements Recognizer {

    private static final Pattern IPV4 = Pattern.compile(
            "(?<![\\w.-])(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})(?![\\w-]|\\.\\d)");
    private static final Pattern IPV6_CANDIDATE = Pattern.compile(
            "(?<![\\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|\\d{1,3}(?:\\.\\d{1,3}){3})?(?![\\w:]|\\.\\d)");

    @Override
    public void find(String text, List<Finding> out) {
        if (text.indexOf('.') >= 0) {
            Matcher m = IPV4.matcher(text);
            while (m.find()) {
                if (isOctet(m.group(1)) && isOctet(m.group(2)) && isOctet(m.group(3)) && isOctet(m.group(4))) {
                    out.add(Recognizer.finding(EntityType.IP_ADDRESS, text, m.start(), m.end()));
                }
            }
        }
        if (text.indexOf(':') >= 0) {
            Matcher m = IPV6_CANDIDATE.matcher(text);
            while (m.find()) {
                if (isIpv6(m.group())) {
                    out.add(Recognizer.finding(EntityType.IP_ADDRESS, text, m.start(), m.end()));
                }
            }
        }
    }

    static boolean isIpv4(String candidate) {
        Matcher m = IPV4.matcher(candidate);
        return m.matches() && isOctet(m.group(1)) && isOctet(m.group(2)) && isOctet(m.group(3)) && isOctet(m.group(4));
    }

    private static boolean isOctet(String digits) {
        return (digits.length() == 1 || digits.charAt(0) != '0') && Integer.parseInt(digits) <= 255;
    }

    static boolean isIpv6(String candidate) {
        int compression = candidate.indexOf("::");
        if (compression >= 0 && candidate.indexOf("::", compression + 1) >= 0) {
            return false;
        }
        String head = compression >= 0 ? candidate.substring(0, compression) : candidate;
        String tail = compression >= 0 ? candidate.substring(compression + 2) : "";
        int groups = 0;
        int written = 0;
        String[] parts = (compression >= 0 ? (head + (head.isEmpty() || tail.isEmpty() ? "" : ":") + tail) : head)
                .split(":", -1);
        if (parts.length == 1 && parts[0].isEmpty()) {
            parts = new String[0];
        }
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.indexOf('.') >= 0) {
                if (i != parts.length - 1 || !isIpv4(part)) {
                    return false;
                }
                groups += 2;
                written += 2;
            } else if (part.isEmpty() || part.length() > 4) {
                return false;
            } else {
                groups++;
                written++;
            }
        }
        boolean complete = compression >= 0 ? groups < 8 : groups == 8;
        return complete && written >= 2;
    }
}
