package dev.switchboard.compliance.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Guards the operator endpoints that destroy data (erasure). The caller sends
 * {@code Authorization: Bearer <operator key>}; only the key's SHA-256 digest is configured
 * ({@code switchboard.operator.key-sha256}), the same rule as the supervisor's. Without a configured digest
 * those endpoints are off (403), so a deployment is never open by default.
 */
@ApplicationScoped
public class OperatorKey {

    private final Optional<byte[]> digest;

    OperatorKey(@ConfigProperty(name = "switchboard.operator.key-sha256") Optional<String> digestHex) {
        this.digest = digestHex.filter(hex -> !hex.isBlank()).map(HexFormat.of()::parseHex);
    }

    /** Null when the request may go on, else the answer that stops it. */
    public Response refusal(String authorization) {
        if (digest.isEmpty()) {
            return error(Response.Status.FORBIDDEN, "operator-endpoints-disabled",
                    "Operator endpoints are off: set switchboard.operator.key-sha256 to enable them");
        }
        String prefix = "Bearer ";
        if (authorization == null || !authorization.startsWith(prefix)
                || !MessageDigest.isEqual(digest.get(), sha256(authorization.substring(prefix.length())))) {
            return error(Response.Status.UNAUTHORIZED, "unauthorized", "A valid operator key is required");
        }
        return null;
    }

    static Response error(Response.Status status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorView(code, message)).build();
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
