package dev.switchboard.compliance.audit;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals audit content with a user's data key: AES-256-GCM, a random 96-bit nonce per row, and the row's
 * tenant and event id as associated data, so a sealed value copied onto another row does not open there.
 * Stored as {@code enc:v1:<base64(nonce || ciphertext+tag)>}. Pure: no I/O.
 */
public final class ContentCipher {

    static final String PREFIX = "enc:v1:";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private ContentCipher() {
    }

    public static byte[] newKey() {
        byte[] key = new byte[KEY_BYTES];
        RANDOM.nextBytes(key);
        return key;
    }

    /** Whether a stored content is sealed (else it is plain JSON: an erasure row, or a row from before sealing). */
    public static boolean isSealed(String stored) {
        return stored != null && stored.startsWith(PREFIX);
    }

    public static String seal(byte[] key, String plaintext, String tenant, String eventId) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, key, nonce, tenant, eventId);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX + Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot seal audit content", e);
        }
    }

    /**
     * @throws GeneralSecurityException when the value was not sealed with this key for this row, or was altered
     */
    public static String open(byte[] key, String stored, String tenant, String eventId)
            throws GeneralSecurityException {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(stored.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("Not base64", e);
        }
        if (bytes.length < NONCE_BYTES) {
            throw new GeneralSecurityException("Too short");
        }
        byte[] nonce = Arrays.copyOf(bytes, NONCE_BYTES);
        Cipher cipher = cipher(Cipher.DECRYPT_MODE, key, nonce, tenant, eventId);
        return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
    }

    private static Cipher cipher(int mode, byte[] key, byte[] nonce, String tenant, String eventId)
            throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((tenant + "\n" + eventId).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }
}
