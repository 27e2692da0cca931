package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * API keys are stored only as SHA-256 digests. A presented key is hashed and compared with the stored
 * digest in constant time, so neither the configuration nor the timing of a refusal reveals a key.
 */
public final class ApiKeys {

    /** Compared against when a tenant is unknown, so that an unknown tenant costs the same as a wrong key. */
    private static final byte[] NO_DIGEST = new byte[32];

    private ApiKeys() {
    }

    /** The SHA-256 digest of a key's UTF-8 bytes. */
    public static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** The hex SHA-256 digest of a key, as configured in {@code switchboard.gateway.tenants.<id>.api-key-sha256}. */
    public static String sha256Hex(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /**
     * The digest that a hex string (case-insensitive) stands for.
     *
     * @throws IllegalArgumentException if it is not 64 hex digits
     */
    public static byte[] parseDigest(String hex) {
        if (hex == null || hex.length() != 64) {
            throw new IllegalArgumentException("a SHA-256 digest is 64 hex digits");
        }
        return HexFormat.of().parseHex(hex.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code presentedKey} hashes to {@code expectedDigest}. A missing key or a missing digest
     * (unknown tenant) never matches, and still costs one hash and one comparison.
     */
    public static boolean matches(String presentedKey, byte[] expectedDigest) {
        byte[] presented = sha256(presentedKey == null ? "" : presentedKey);
        boolean equal = MessageDigest.isEqual(presented, expectedDigest == null ? NO_DIGEST : expectedDigest);
        return equal && presentedKey != null && expectedDigest != null;
    }
}
