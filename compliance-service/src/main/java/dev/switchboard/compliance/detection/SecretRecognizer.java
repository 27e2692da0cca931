package dev.switchboard.compliance.detection;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Credentials: the published formats of common providers, PEM private keys, JSON Web Tokens, and
 * generic high-entropy tokens.
 *
 * <p>A generic token is a run of at least 20 characters of {@code [A-Za-z0-9+/_-]}, with base64's
 * {@code =} padding only at its end (so {@code key=value} is split at the equals sign), that
 * <ul>
 *   <li>mixes upper case, lower case and digits (at least two digits), so words, snake_case and
 *       kebab-case names, hexadecimal hashes and ids and plain numbers are never reported;</li>
 *   <li>is not shaped like a UUID (an identifier, not a credential);</li>
 *   <li>has a Shannon entropy of at least the configured bits per character (4.0 by default: random
 *       base64 of 20 characters or more scores 4.1 to 5.5, CamelCase identifiers 3.3 to 3.9).</li>
 * </ul>
 * A token with slashes (base64 has them) must also have a segment between slashes of at least 8
 * characters that mixes letters and digits, so paths such as {@code /api/v2/Users/Profile3} are not
 * reported; a URL's host never joins its path into one token, since dots are not in the alphabet.
 *
 * <p>Provider formats are taken as they are, except OpenAI's {@code sk-} prefix, which also begins
 * ordinary hyphenated words ({@code sk-learn-...}): it needs the same mix of upper case, lower case and
 * digits as a generic token.
 */
final class SecretRecognizer implements Recognizer {

    // The key's type words are bounded ({0,3}): an unbounded repeated group recurses once per repetition and
    // overflows the stack on thousands of words.
    private static final Pattern PROVIDER = Pattern.compile(
            "-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----"
            + "|(?<![A-Za-z0-9])(?:"
            + "(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}"                      // AWS access key id
            + "|gh[pousr]_[A-Za-z0-9]{36,255}"                          // GitHub tokens
            + "|github_pat_[A-Za-z0-9_]{22,255}"                        // GitHub fine-grained PAT
            + "|xox[abprs]-[A-Za-z0-9-]{10,250}"                        // Slack
            + "|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,255}"            // Stripe secret / restricted
            + "|AIza[0-9A-Za-z_-]{35}"                                  // Google API key
            + "|sk-ant-[A-Za-z0-9_-]{20,255}"                           // Anthropic
            + "|sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,255}"     // OpenAI
            + "|eyJ[A-Za-z0-9_-]{5,}\\.eyJ[A-Za-z0-9_-]{5,}\\.[A-Za-z0-9_-]{10,}" // JWT
            + ")(?![A-Za-z0-9_-])");

    private static final Pattern TOKEN = Pattern.compile(
            "(?<![A-Za-z0-9+/_-])[A-Za-z0-9+_-][A-Za-z0-9+/_-]{18,}[A-Za-z0-9+_-]={0,2}(?![A-Za-z0-9+/_=-])");
    private static final Pattern RANDOM_SEGMENT = Pattern.compile(
            "(?:^|/)(?=[^/]*[0-9])(?=[^/]*[A-Za-z])[^/]{8,}(?:/|$)");
    private static final Pattern UUID = Pattern.compile(
            "[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}");

    private final double entropyThreshold;

    SecretRecognizer(double entropyThreshold) {
        this.entropyThreshold = entropyThreshold;
    }

    @Override
    public void find(String text, List<Finding> out) {
        if (text.length() < 20) {
            return;
        }
        Matcher m = PROVIDER.matcher(text);
        while (m.find()) {
            String value = m.group();
            if (!value.startsWith("sk-") || value.startsWith("sk-ant-") || hasMixedClasses(value)) {
                out.add(Recognizer.finding(EntityType.SECRET, text, m.start(), m.end()));
            }
        }
        m = TOKEN.matcher(text);
        while (m.find()) {
            if (isHighEntropyToken(m.group(), entropyThreshold)) {
                out.add(Recognizer.finding(EntityType.SECRET, text, m.start(), m.end()));
            }
        }
    }

    static boolean isHighEntropyToken(String token, double threshold) {
        if (!hasMixedClasses(token) || UUID.matcher(token).matches()) {
            return false;
        }
        if (token.indexOf('/') >= 0 && !RANDOM_SEGMENT.matcher(token).find()) {
            return false;
        }
        return entropy(token) >= threshold;
    }

    private static boolean hasMixedClasses(String token) {
        int upper = 0;
        int lower = 0;
        int digits = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper++;
            } else if (c >= 'a' && c <= 'z') {
                lower++;
            } else if (c >= '0' && c <= '9') {
                digits++;
            }
        }
        return upper > 0 && lower > 0 && digits >= 2;
    }

    /** Shannon entropy of the character distribution, in bits per character. */
    static double entropy(String token) {
        int[] counts = new int[128];
        int other = 0;
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c < 128) {
                counts[c]++;
            } else {
                other++;
            }
        }
        double bits = 0;
        double length = token.length();
        for (int count : counts) {
            if (count > 0) {
                double p = count / length;
                bits -= p * (Math.log(p) / Math.log(2));
            }
        }
        if (other > 0) {
            double p = other / length;
            bits -= p * (Math.log(p) / Math.log(2));
        }
        return bits;
    }
}
