package dev.switchboard.runtime.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Signs RS256 JWT access tokens with a key pair of its own: the local run's stand-in for an OIDC provider, and the
 * tests' source of real signed tokens. The services verify these exactly as they verify a provider's tokens
 * (signature, issuer, audience, expiry); production points them at its provider instead.
 *
 * <p>Pure JDK on purpose: the local launcher puts this class on its class path without the rest of the runtime.
 */
public final class TokenMint {

    /** The issuer of the local run's tokens. */
    public static final String LOCAL_ISSUER = "https://switchboard.local/issuer";
    /** The audience every service expects by default. */
    public static final String AUDIENCE = "switchboard";

    private final KeyPair keys;
    private final String issuer;

    public TokenMint(KeyPair keys, String issuer) {
        this.keys = keys;
        this.issuer = issuer;
    }

    /** A mint with a fresh 2048-bit RSA key pair. */
    public static TokenMint generate(String issuer) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TokenMint(generator.generateKeyPair(), issuer);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA is always available", e);
        }
    }

    /**
     * The mint whose keys are kept in {@code dir} ({@code private-key.pem}, readable by the owner only, and
     * {@code public-key.pem}), made there on first use.
     */
    public static TokenMint keptIn(Path dir, String issuer) throws IOException {
        Path privateFile = dir.resolve("private-key.pem");
        Path publicFile = dir.resolve("public-key.pem");
        if (!Files.exists(privateFile) || !Files.exists(publicFile)) {
            Files.createDirectories(dir);
            TokenMint fresh = generate(issuer);
            Files.writeString(privateFile, pem("PRIVATE KEY", fresh.keys.getPrivate().getEncoded()));
            try {
                Files.setPosixFilePermissions(privateFile, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // best effort on file systems without POSIX permissions
            }
            Files.writeString(publicFile, fresh.publicKeyPem());
            return fresh;
        }
        try {
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            PrivateKey privateKey = rsa.generatePrivate(new PKCS8EncodedKeySpec(unpem(Files.readString(privateFile))));
            PublicKey publicKey = rsa.generatePublic(new X509EncodedKeySpec(unpem(Files.readString(publicFile))));
            return new TokenMint(new KeyPair(publicKey, privateKey), issuer);
        } catch (GeneralSecurityException e) {
            throw new IOException("the keys in " + dir + " are not an RSA key pair", e);
        }
    }

    /** The public key, PEM-encoded: what services verify tokens with ({@code mp.jwt.verify.publickey}). */
    public String publicKeyPem() {
        return pem("PUBLIC KEY", keys.getPublic().getEncoded());
    }

    public String issuer() {
        return issuer;
    }

    /** A token for {@code subject} of {@code tenant} (null for a platform admin) with the given roles. */
    public String mint(String subject, String tenant, List<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        return mint(subject, tenant, roles, AUDIENCE, now, now.plus(lifetime));
    }

    /** A token with every part chosen: the tests' way to make expired or wrongly addressed tokens. */
    public String mint(String subject, String tenant, List<String> roles, String audience, Instant issuedAt,
            Instant expiresAt) {
        StringBuilder claims = new StringBuilder("{");
        claims.append("\"iss\":").append(json(issuer));
        claims.append(",\"aud\":").append(json(audience));
        claims.append(",\"sub\":").append(json(subject));
        claims.append(",\"upn\":").append(json(subject));
        if (tenant != null) {
            claims.append(",\"tenant\":").append(json(tenant));
        }
        claims.append(",\"groups\":[").append(roles.stream().map(TokenMint::json).collect(Collectors.joining(",")))
                .append(']');
        claims.append(",\"iat\":").append(issuedAt.getEpochSecond());
        claims.append(",\"exp\":").append(expiresAt.getEpochSecond());
        claims.append(",\"jti\":").append(json(UUID.randomUUID().toString()));
        claims.append('}');
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String signingInput = b64(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(keys.getPrivate());
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64(rs256.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String pem) {
        return Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
    }
}
