package dev.switchboard.compliance.policy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.compliance.detection.Finding;

/**
 * Applies a tenant's policy to the findings in one text: each value is redacted, masked, hashed, allowed or
 * blocks the event. Pure and thread-safe; the hash key is the only state.
 */
public final class ContentScrubber {

    /** Hex characters of the keyed hash shown in a placeholder (48 bits: values match, collisions are rare). */
    private static final int HASH_CHARS = 12;

    private final SecretKeySpec hashKey;

    /** @param hashKey the secret of HASH (at least 32 bytes) */
    public ContentScrubber(byte[] hashKey) {
        if (hashKey.length < 32) {
            throw new IllegalArgumentException("the hash key must have at least 32 bytes, got " + hashKey.length);
        }
        this.hashKey = new SecretKeySpec(hashKey, "HmacSHA256");
    }

    /**
     * A text after the policy.
     *
     * @param text      the text with values replaced (null if the input was)
     * @param found     how many values of each type were found
     * @param changed   how many values were replaced (redacted, masked or hashed)
     * @param blockedBy the first type whose action is BLOCK, or null
     */
    public record Scrubbed(String text, Map<EntityType, Integer> found, int changed, EntityType blockedBy) {
        public boolean blocked() {
            return blockedBy != null;
        }
    }

    /**
     * @param findings sorted by start and non-overlapping, as {@code PiiDetector} returns them
     * @param tenant   whose hash key space the hashes live in: equal values of two tenants hash differently
     */
    public Scrubbed scrub(String text, List<Finding> findings, TenantPolicy policy, String tenant) {
        if (text == null || findings.isEmpty()) {
            return new Scrubbed(text, Map.of(), 0, null);
        }
        StringBuilder out = new StringBuilder(text.length());
        Map<EntityType, Integer> found = new EnumMap<>(EntityType.class);
        EntityType blockedBy = null;
        int changed = 0;
        int at = 0;
        for (Finding finding : findings) {
            out.append(text, at, finding.start());
            found.merge(finding.type(), 1, Integer::sum);
            PolicyAction action = policy.actionFor(finding.type());
            switch (action) {
                case ALLOW -> out.append(finding.value());
                case MASK -> out.append(mask(finding));
                case HASH -> out.append('[').append(finding.type()).append(':').append(hash(tenant, finding)).append(']');
                case REDACT, BLOCK -> out.append('[').append(finding.type()).append(']');
            }
            if (action == PolicyAction.BLOCK && blockedBy == null) {
                blockedBy = finding.type();
            }
            if (action != PolicyAction.ALLOW) {
                changed++;
            }
            at = finding.end();
        }
        out.append(text, at, text.length());
        return new Scrubbed(out.toString(), Map.copyOf(found), changed, blockedBy);
    }

    /**
     * Keeps what tells values apart without revealing them: an e-mail's first letter and domain, the first
     * four characters of a secret (its provider's prefix), the last four letters or digits of anything else;
     * separators stay.
     */
    static String mask(Finding finding) {
        String value = finding.value();
        if (finding.type() == EntityType.EMAIL) {
            int at = value.indexOf('@');
            return value.charAt(0) + "***" + value.substring(at);
        }
        StringBuilder masked = new StringBuilder(value);
        if (finding.type() == EntityType.SECRET) {
            for (int i = Math.min(4, value.length()); i < value.length(); i++) {
                masked.setCharAt(i, '*');
            }
            return masked.toString();
        }
        int kept = 0;
        for (int i = value.length() - 1; i >= 0; i--) {
            if (Character.isLetterOrDigit(value.charAt(i)) && kept++ >= 4) {
                masked.setCharAt(i, '*');
            }
        }
        return masked.toString();
    }

    /** The keyed hash of a value, normalised so that formatting does not change it (spaces, dashes, case). */
    String hash(String tenant, Finding finding) {
        String normalised = finding.type() == EntityType.EMAIL
                ? finding.value().toLowerCase(Locale.ROOT)
                : finding.value().replaceAll("[\\s.()-]", "").toUpperCase(Locale.ROOT);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hashKey);
            byte[] digest = mac.doFinal((tenant + '\0' + finding.type() + '\0' + normalised)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, HASH_CHARS);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }
}
