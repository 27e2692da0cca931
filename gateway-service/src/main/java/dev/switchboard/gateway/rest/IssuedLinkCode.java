package dev.switchboard.gateway.rest;

import java.time.Instant;

/**
 * A new link code, shown once.
 *
 * @param code         the code, {@code XXXXX-XXXXX}
 * @param expiresAt    when it can no longer be redeemed
 * @param instructions what the user does with it
 */
public record IssuedLinkCode(String code, Instant expiresAt, String instructions) {

    static IssuedLinkCode of(String code, Instant expiresAt) {
        return new IssuedLinkCode(code, expiresAt, "Send \"LINK " + code + "\" from the account to link, before "
                + expiresAt + ". The code works once.");
    }
}
