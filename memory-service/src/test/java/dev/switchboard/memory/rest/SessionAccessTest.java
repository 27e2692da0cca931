package dev.switchboard.memory.rest;

import static dev.switchboard.memory.TestEvents.turn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.memory.UpstreamWriter;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Who may read a session: the operators and auditors of the session's tenant, with a valid token. Everyone else
 * is refused, and a caller of another tenant cannot tell the session from one that does not exist.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = "memory"))
@WithTestResource(TokenTestResource.class)
class SessionAccessTest {

    private static final String TENANT = "acme";
    private static final String OTHER_TENANT = "globex";
    private static final String USER = "anna-7";
    private static final String TEXT = "My name is Anna Keller, order 98765 never arrived";
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** One session of {@link #TENANT}, written once for the whole class. */
    private static String session;

    @BeforeEach
    void oneSessionOfTenantA() {
        if (session != null) {
            return;
        }
        String id = "s-" + UUID.randomUUID();
        try (UpstreamWriter writer = new UpstreamWriter()) {
            writer.send(Topics.TURNS_CLEARED, id, turn(TENANT, USER, id, "t-1", TEXT, Instant.now()));
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                get(TestTokens.operator(TENANT), TENANT, id).statusCode(200));
        session = id;
    }

    @Test
    void operatorsAndAuditorsOfTheTenantRead() {
        for (String token : new String[] {TestTokens.operator(TENANT), TestTokens.auditor(TENANT)}) {
            get(token, TENANT, session).statusCode(200)
                    .body("sessionId", is(session))
                    .body("tenant", is(TENANT))
                    .body("user", is(USER))
                    .body("recent[0].text", is(TEXT));
        }
    }

    @Test
    void withoutATokenIsUnauthorized() {
        given().get(SessionResourceTest.PATH, TENANT, session)
                .then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", is("Bearer realm=\"switchboard\""))
                .body("code", is("unauthorized"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"expired", "forged", "other-audience", "garbage"})
    void anInvalidTokenIsUnauthorized(String kind) {
        String token = switch (kind) {
            case "expired" -> TestTokens.expired(TENANT, Roles.OPERATOR);
            case "forged" -> TestTokens.forged(TENANT, Roles.OPERATOR);
            case "other-audience" -> TestTokens.otherAudience(TENANT, Roles.OPERATOR);
            default -> "not-a-jwt";
        };
        assertRefused(get(token, TENANT, session).statusCode(401).body("code", is("unauthorized")));
    }

    @Test
    void anEndUserOfTheTenantIsForbidden() {
        // not even the session's own user: end users read their conversation through the gateway, not here
        assertRefused(get(TestTokens.user(TENANT, USER), TENANT, session).statusCode(403).body("code", is("forbidden")));
    }

    @Test
    void aPlatformAdminIsForbidden() {
        // admins run the platform but read no conversation
        assertRefused(get(TestTokens.admin(), TENANT, session).statusCode(403).body("code", is("forbidden")));
    }

    @Test
    void anotherTenantsOperatorsAndAuditorsFindNothing() {
        String unknown = "never-seen-" + UUID.randomUUID();
        String notFound = get(TestTokens.operator(TENANT), TENANT, unknown).statusCode(404).extract().asString();

        for (String token : new String[] {TestTokens.operator(OTHER_TENANT), TestTokens.auditor(OTHER_TENANT)}) {
            // tenant A's path with tenant B's token
            String onTheirPath = assertRefused(get(token, TENANT, session).statusCode(404)).extract().asString();
            // tenant B's own path, naming tenant A's session
            String onOwnPath = assertRefused(get(token, OTHER_TENANT, session).statusCode(404)).extract().asString();

            assertThat(onTheirPath).as("the same answer as for a session that does not exist").isEqualTo(notFound);
            assertThat(onOwnPath).isEqualTo(notFound);
        }
    }

    private static ValidatableResponse get(String token, String tenant, String sessionId) {
        return given().header("Authorization", TestTokens.bearer(token))
                .get(SessionResourceTest.PATH, tenant, sessionId)
                .then();
    }

    /** A problem answer that shows nothing of the session. */
    private static ValidatableResponse assertRefused(ValidatableResponse answer) {
        answer.contentType(Problem.MEDIA_TYPE);
        String body = answer.extract().asString();
        assertThat(body).doesNotContain(session, TENANT, USER, "Anna", "98765");
        return answer;
    }
}
