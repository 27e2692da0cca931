package dev.switchboard.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.switchboard.runtime.security.Roles;
import dev.switchboard.runtime.security.TokenMint;

/**
 * Real signed bearer tokens for tests: one key pair per test JVM, trusted by every service under test through
 * {@link TokenTestResource}, and a second key pair nobody trusts, for forged tokens.
 */
public final class TestTokens {

    public static final String ISSUER = "https://switchboard.test/issuer";

    private static final TokenMint MINT = TokenMint.generate(ISSUER);
    private static final TokenMint FORGER = TokenMint.generate(ISSUER);
    private static final Duration LIFETIME = Duration.ofHours(1);

    private TestTokens() {
    }

    /** What a service needs to trust these tokens. */
    public static Map<String, String> config() {
        return Map.of("mp.jwt.verify.publickey", MINT.publicKeyPem(), "mp.jwt.verify.issuer", ISSUER);
    }

    public static String token(String subject, String tenant, String... roles) {
        return MINT.mint(subject, tenant, List.of(roles), LIFETIME);
    }

    public static String operator(String tenant) {
        return token("operator-1", tenant, Roles.OPERATOR);
    }

    public static String auditor(String tenant) {
        return token("auditor-1", tenant, Roles.AUDITOR);
    }

    public static String user(String tenant, String user) {
        return token(user, tenant, Roles.USER);
    }

    public static String admin() {
        return token("admin-1", null, Roles.ADMIN);
    }

    /** A token that expired a minute ago. */
    public static String expired(String tenant, String role) {
        Instant now = Instant.now();
        return MINT.mint("late-1", tenant, List.of(role), TokenMint.AUDIENCE, now.minus(LIFETIME), now.minusSeconds(60));
    }

    /** A well-formed token signed by a key no service trusts. */
    public static String forged(String tenant, String role) {
        return FORGER.mint("forger-1", tenant, List.of(role), LIFETIME);
    }

    /** A token issued for another audience. */
    public static String otherAudience(String tenant, String role) {
        Instant now = Instant.now();
        return MINT.mint("other-1", tenant, List.of(role), "some-other-api", now, now.plus(LIFETIME));
    }

    /** {@code Authorization} header value. */
    public static String bearer(String token) {
        return "Bearer " + token;
    }
}
