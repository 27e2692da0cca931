package dev.switchboard.compliance.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.compliance.TestDeadLetters;
import dev.switchboard.compliance.TestEvents;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Who may call each route: no token, an expired, forged or wrongly addressed token is a 401; a role the route does
 * not allow a 403; an operator or auditor of another tenant a 404 that says nothing of the tenant's data; the right
 * role of the tenant a 2xx. The route list is checked against the application's own (OpenAPI), so a route added
 * later without a row here fails the build.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class RouteSecurityIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM = "application/problem+json";

    /**
     * One route.
     *
     * @param allowed the roles that may call it; every other role is refused
     * @param body    the JSON body of a valid request, or null
     */
    record Route(String method, String template, Set<String> allowed, String body) {

        String path(String tenant, String session, String deadLetter) {
            return template.replace("{tenant}", tenant).replace("{sessionId}", session).replace("{id}", deadLetter);
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    static Stream<Route> routes() {
        return Stream.of(
                new Route("GET", "/v1/tenants/{tenant}/audit/sessions/{sessionId}", Set.of(Roles.AUDITOR, Roles.OPERATOR), null),
                new Route("GET", "/v1/tenants/{tenant}/audit/sessions/{sessionId}/timeline",
                        Set.of(Roles.AUDITOR, Roles.OPERATOR), null),
                new Route("POST", "/v1/tenants/{tenant}/audit/sessions/{sessionId}/replay", Set.of(Roles.OPERATOR), null),
                new Route("GET", "/v1/tenants/{tenant}/audit/verify", Set.of(Roles.AUDITOR, Roles.OPERATOR, Roles.ADMIN), null),
                new Route("POST", "/v1/tenants/{tenant}/erasures", Set.of(Roles.OPERATOR), "{\"user\":\"someone-to-erase\"}"),
                new Route("GET", "/v1/tenants/{tenant}/compliance-policy", Set.of(Roles.OPERATOR, Roles.AUDITOR), null),
                new Route("PUT", "/v1/tenants/{tenant}/compliance-policy", Set.of(Roles.OPERATOR),
                        "{\"pii\":{\"EMAIL\":\"MASK\"}}"),
                new Route("DELETE", "/v1/tenants/{tenant}/compliance-policy", Set.of(Roles.OPERATOR), null),
                new Route("GET", "/v1/tenants/{tenant}/dead-letters", Set.of(Roles.OPERATOR), null),
                new Route("GET", "/v1/tenants/{tenant}/dead-letters/{id}", Set.of(Roles.OPERATOR), null),
                new Route("POST", "/v1/tenants/{tenant}/dead-letters/{id}/redrive", Set.of(Roles.OPERATOR), null));
    }

    @Inject
    ComplianceService compliance;

    String tenant;
    String other;
    String session;
    String deadLetter;

    @BeforeEach
    void aSessionOfOneTenant() throws Exception {
        tenant = "tenant-a-" + UUID.randomUUID();
        other = "tenant-b-" + UUID.randomUUID();
        session = "s-" + UUID.randomUUID();
        compliance.clearTurn(TestEvents.turn(tenant, "alice", UUID.randomUUID().toString(), session, "private words"),
                new SourcePosition("turns.raw", 0, 1));
        // The other tenant has a session of its own with the same id: still nothing of the first tenant's shows.
        compliance.clearTurn(TestEvents.turn(other, "bob", UUID.randomUUID().toString(), session, "bob's words"),
                new SourcePosition("turns.raw", 0, 2));
        // A dead letter of the tenant's cleared turn, as the supervisor's handler writes it.
        byte[] value = Topics.TURNS_CLEARED.valueSerde().serializer().serialize(Topics.TURNS_CLEARED.name(),
                TestEvents.turn(tenant, "alice", UUID.randomUUID().toString(), session, "[EMAIL] words"));
        deadLetter = TestDeadLetters.write(session.getBytes(StandardCharsets.UTF_8), value, Topics.TURNS_CLEARED.name(),
                0, 1, tenant);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void withoutAValidTokenTheAnswerIs401(Route route) {
        List<RequestSpecification> callers = List.of(given(),
                bearer(TestTokens.expired(tenant, Roles.OPERATOR)),
                bearer(TestTokens.forged(tenant, Roles.OPERATOR)),
                bearer(TestTokens.otherAudience(tenant, Roles.OPERATOR)),
                given().header("Authorization", "Bearer not-a-token"));
        for (RequestSpecification caller : callers) {
            Response response = call(caller, route);
            assertThat(response.statusCode()).as("%s", route).isEqualTo(401);
            assertThat(response.contentType()).startsWith(PROBLEM);
            assertThat(response.jsonPath().getString("code")).isEqualTo("unauthorized");
            assertThat(response.asString()).doesNotContain("private words");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void aRoleTheRouteDoesNotAllowIs403(Route route) {
        for (String role : List.of(Roles.USER, Roles.AUDITOR, Roles.OPERATOR, Roles.ADMIN)) {
            if (route.allowed().contains(role)) {
                continue;
            }
            Response response = call(bearer(token(role, tenant)), route);
            assertThat(response.statusCode()).as("%s as %s", route, role).isEqualTo(403);
            assertThat(response.contentType()).startsWith(PROBLEM);
            assertThat(response.jsonPath().getString("code")).isEqualTo("forbidden");
            assertThat(response.asString()).doesNotContain("private words").doesNotContain("alice");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void anotherTenantsOperatorOrAuditorFindsNothing(Route route) {
        for (String role : List.of(Roles.OPERATOR, Roles.AUDITOR)) {
            Response response = call(bearer(token(role, other)), route);
            assertThat(response.statusCode()).as("%s as %s of another tenant", route, role).isIn(404, 403);
            if (route.allowed().contains(role)) {
                assertThat(response.statusCode()).as("%s as %s of another tenant", route, role).isEqualTo(404);
            }
            assertThat(response.contentType()).startsWith(PROBLEM);
            assertThat(response.asString()).doesNotContain(tenant).doesNotContain("private words")
                    .doesNotContain("alice").doesNotContain(session);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void theTenantsOwnAllowedRolesSucceed(Route route) {
        for (String role : route.allowed()) {
            Response response = call(bearer(token(role, tenant)), route);
            assertThat(response.statusCode()).as("%s as %s: %s", route, role, response.asString()).isBetween(200, 299);
            assertThat(response.asString()).doesNotContain("bob's words").doesNotContain(other);
        }
    }

    @Test
    void aSessionOfTheTenantThatItNeverSawIsNotFound() {
        String unknown = "s-" + UUID.randomUUID();
        for (String path : List.of("/audit/sessions/" + unknown, "/audit/sessions/" + unknown + "/timeline")) {
            bearer(TestTokens.auditor(tenant)).get("/v1/tenants/" + tenant + path).then().statusCode(404)
                    .contentType(PROBLEM).body("code", is("not-found"));
        }
        bearer(TestTokens.operator(tenant)).post("/v1/tenants/" + tenant + "/audit/sessions/" + unknown + "/replay")
                .then().statusCode(404);
    }

    @Test
    void thePlatformChainIsReadByNoTenantsToken() {
        bearer(TestTokens.auditor("_platform")).get("/v1/tenants/_platform/audit/verify").then().statusCode(404);
        bearer(TestTokens.admin()).get("/v1/tenants/_platform/audit/verify").then().statusCode(200);
    }

    @Test
    void everyRouteOfTheApplicationIsInTheTable() throws Exception {
        int port = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
        JsonNode openApi = JSON.readTree(given().baseUri("http://localhost").port(port)
                .get("/q/openapi?format=json").then().statusCode(200).extract().asString());
        Set<String> declared = new TreeSet<>();
        Set<String> methods = Set.of("get", "put", "post", "delete", "patch", "head", "options");
        openApi.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method -> {
            if (methods.contains(method)) {
                declared.add(method.toUpperCase() + " " + path.getKey());
            }
        }));
        Set<String> tested = new TreeSet<>();
        routes().forEach(route -> tested.add(route.toString()));
        assertThat(declared).isEqualTo(tested);
    }

    private static String token(String role, String tenant) {
        return switch (role) {
            case Roles.ADMIN -> TestTokens.admin();
            case Roles.USER -> TestTokens.user(tenant, "alice");
            default -> TestTokens.token(role + "-1", tenant, role);
        };
    }

    private static RequestSpecification bearer(String token) {
        return given().header("Authorization", TestTokens.bearer(token));
    }

    private Response call(RequestSpecification request, Route route) {
        if (route.body() != null) {
            request = request.contentType("application/json").body(route.body());
        }
        return request.request(route.method(), route.path(tenant, session, deadLetter));
    }
}
