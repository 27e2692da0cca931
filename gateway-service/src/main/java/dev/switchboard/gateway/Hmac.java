package dev.switchboard.gateway;

import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 under one server secret of at least 32 bytes: what makes the gateway's derived ids unguessable. */
public final class Hmac {

    /** The shortest key accepted, in bytes: as long as the hash. */
    public static final int MIN_KEY_BYTES = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    /** @param what names the key in the error message */
    public Hmac(byte[] key, String what) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("the " + what + " must have at least " + MIN_KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
    }

    /**
     * The bytes of a configured base64 key.
     *
     * @param property the property that holds it, named in the error message
     * @throws IllegalStateException when it is missing, not base64, or shorter than {@value #MIN_KEY_BYTES} bytes
     */
    public static byte[] decodeKey(String property, java.util.Optional<String> base64) {
        String environment = property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        String how = "; set " + property + " (environment variable " + environment + ") to the same base64 secret of at"
                + " least " + MIN_KEY_BYTES + " bytes on every gateway instance, e.g. $(openssl rand -base64 32)";
        if (base64.isEmpty() || base64.get().isBlank()) {
            throw new IllegalStateException(property + " is not set" + how);
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.get().strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not base64" + how);
        }
        if (key.length < MIN_KEY_BYTES) {
            throw new IllegalStateException(property + " has " + key.length + " bytes" + how);
        }
        return key;
    }

    public byte[] of(byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is always available", e);
        }
    }
}
