package dev.switchboard.gateway.channels;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMACs and constant-time comparison for webhook signatures. */
public final class Signatures {

    private Signatures() {
    }

    public static byte[] hmacSha256(String secret, byte[] data) {
        return hmac("HmacSHA256", secret, data);
    }

    public static byte[] hmacSha1(String secret, byte[] data) {
        return hmac("HmacSHA1", secret, data);
    }

    /**
     * Whether two strings are equal, in a time that does not depend on where they differ, so that a
     * caller cannot find a valid signature or token one character at a time. Null is never equal.
     */
    public static boolean constantTimeEquals(String expected, String given) {
        if (expected == null || given == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String algorithm, String secret, byte[] data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }
}
