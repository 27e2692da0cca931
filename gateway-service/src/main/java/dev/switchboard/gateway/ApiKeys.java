package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * API keys are stored only as SHA-256 digests, so the configuration never holds a usable key; a presented key is
 * hashed and compared with the digests ({@code security.TenantKeys}).
 */
public final class ApiKeys {

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
}
