package dev.switchboard.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The session of a principal. There is one open session per principal (tenant, user), and its id is a
 * function of the principal and a server secret: any channel or gateway instance that resolves a message to the
 * same principal continues the same session, with no session table to look up or keep consistent, while nobody
 * without the secret can compute the session id of a user whose name they know.
 *
 * <p>The id is {@code HMAC-SHA256(key, tenant NUL user)}, its first 16 bytes shaped as a version 8 (custom)
 * UUID. Every instance must hold the same key ({@code switchboard.gateway.session-key}); changing it starts new
 * sessions for everybody.
 */
public final class SessionIds {

    private final Hmac hmac;

    public SessionIds(byte[] key) {
        this.hmac = new Hmac(key, "session key");
    }

    /** The session id of the principal (tenant, user), separated by a NUL that neither may contain. */
    public String forPrincipal(String tenant, String user) {
        byte[] mac = hmac.of((tenant + "\u0000" + user).getBytes(StandardCharsets.UTF_8));
        mac[6] = (byte) ((mac[6] & 0x0f) | 0x80); // version 8
        mac[8] = (byte) ((mac[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer bytes = ByteBuffer.wrap(mac, 0, 16);
        return new UUID(bytes.getLong(), bytes.getLong()).toString();
    }
}
