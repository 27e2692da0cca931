package dev.switchboard.gateway;

import static io.restassured.RestAssured.given;

import dev.switchboard.testkit.TestTokens;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** The callers of the tests: tenants' backends with their API keys, and people with tokens. */
public final class Callers {

    /** Tenant acme's API key ({@code %test} configuration). */
    public static final String ACME_KEY = "test-key";
    /** Tenant globex's API key ({@code %test} configuration). */
    public static final String GLOBEX_KEY = "globex-key";
    /** The broker principal the application under test connects as. */
    public static final String PRINCIPAL = "gateway";

    private Callers() {
    }

    /** Tenant acme's backend, sending JSON. */
    public static RequestSpecification asAcme() {
        return withKey(ACME_KEY);
    }

    public static RequestSpecification withKey(String key) {
        return given().contentType(ContentType.JSON).header("X-Api-Key", key);
    }

    public static RequestSpecification withToken(String token) {
        return given().contentType(ContentType.JSON).header("Authorization", TestTokens.bearer(token));
    }

    /** An end user of a tenant with a token of role user. */
    public static RequestSpecification asUser(String tenant, String user) {
        return withToken(TestTokens.user(tenant, user));
    }
}
