package dev.switchboard.compliance;

import static io.restassured.RestAssured.given;

import dev.switchboard.testkit.TestTokens;
import io.restassured.specification.RequestSpecification;

/** Requests with the test kit's signed tokens. */
public final class TestHttp {

    private TestHttp() {
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", TestTokens.bearer(token));
    }

    public static RequestSpecification auditorOf(String tenant) {
        return as(TestTokens.auditor(tenant));
    }

    public static RequestSpecification operatorOf(String tenant) {
        return as(TestTokens.operator(tenant));
    }

    /** The audit actor of {@link TestTokens#operator}: the token's subject at its tenant. */
    public static String operatorActor(String tenant) {
        return "operator-1@" + tenant;
    }
}
