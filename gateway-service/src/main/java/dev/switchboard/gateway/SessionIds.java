package dev.switchboard.gateway;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The session of a principal. There is one open session per principal (tenant, user), and its id is a
 * pure function of the principal: any channel or gateway instance that resolves a message to the same
 * principal continues the same session, with no session table to look up or keep consistent.
 */
public final class SessionIds {

    private SessionIds() {
    }

    /** A name-based (version 3) UUID of the tenant and the user, separated by a NUL that neither may contain. */
    public static String forPrincipal(String tenant, String user) {
        return UUID.nameUUIDFromBytes((tenant + "\u0000" + user).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
