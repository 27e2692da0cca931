package dev.switchboard.supervisor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Outcome;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.streams.SupervisorQueries;
import dev.switchboard.supervisor.streams.TestEvents;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Who may call each route: without a token, or with an expired, forged or other-audience one, 401; with a role
 * the route does not allow, 403; with another tenant's token, 404 and nothing of the tenant in the answer (also
 * when tenant B asks its own path for tenant A's session); with the right token, 2xx. Every refusal is a
 * problem+json answer. Tenant A has a session with usage that is with a person, so the session routes have
 * something to show, and to hide.
 */
@QuarkusTest
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "supervisor"),
        @ResourceArg(name = "agents", value = "concierge,support,billing")})
class RouteSecurityIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String A = "route-tenant-a";
    static final String B = "route-tenant-b";
    static final String PROBLEM = "application/problem+json";

    /** A route, the roles it allows, and the body it takes. */
    record Route(String method, String path, Set<String> allowed, String body) {

        Response call(String authorization) {
            RequestSpecification request = given().redirects().follow(false);
            if (authorization != null) {
                request = request.header("Authorization", authorization);
            }
            if (body != null) {
                request = request.contentType("application/json").body(body);
            }
            return request.request(method, path);
        }

        /** A token of {@code tenant} with a role this route allows. */
        String allowedToken(String tenant) {
            return allowed.contains(Roles.OPERATOR) ? TestTokens.operator(tenant) : TestTokens.auditor(tenant);
        }

        String allowedRole() {
            return allowed.contains(Roles.OPERATOR) ? Roles.OPERATOR : Roles.AUDITOR;
        }

        /** Tokens of {@code tenant} (or the platform) whose role this route does not allow. */
        List<String> wrongRoleTokens(String tenant) {
            List<String> tokens = new java.util.ArrayList<>(List.of(TestTokens.user(tenant, "alice")));
            if (!allowed.contains(Roles.AUDITOR)) {
                tokens.add(TestTokens.auditor(tenant));
            }
            if (!allowed.contains(Roles.ADMIN)) {
                tokens.add(TestTokens.admin());
            }
            return tokens;
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SupervisorQueries queries;

    static String session;

    /** Once: a session of tenant A with usage, escalated to a person. */
    @BeforeEach
    void escalatedSessionOfTenantA() {
        if (session != null) {
            return;
        }
        CatalogAgents.publish(bootstrap, queries, TestEvents.concierge());
        String id = UUID.randomUUID().toString();
        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, id, TestEvents.turn(A, id, "route-turn-" + id));
        AgentTask task;
        try (var tasks = TopicReader.fromBeginning(bootstrap, Topics.agentTasks("concierge"))) {
            task = tasks.first(id, WAIT).value();
        }
        TopicWriter.send(bootstrap, Topics.AGENT_RESULTS_CLEARED, id, TestEvents.result(task, Outcome.ESCALATION, 12));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", TestTokens.bearer(TestTokens.auditor(A)))
                .get("/v1/tenants/" + A + "/sessions/" + id + "/escalation").then().statusCode(200));
        session = id;
    }

    List<Route> routes(String tenant) {
        String sessions = "/v1/tenants/" + tenant + "/sessions/" + session;
        return List.of(
                new Route("GET", "/v1/tenants/" + tenant + "/budgets", Set.of(Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN), null),
                new Route("GET", sessions + "/budget", Set.of(Roles.OPERATOR, Roles.AUDITOR), null),
                new Route("GET", "/v1/tenants/" + tenant + "/supervisor-policy", Set.of(Roles.OPERATOR, Roles.AUDITOR), null),
                new Route("PUT", "/v1/tenants/" + tenant + "/supervisor-policy", Set.of(Roles.OPERATOR), "{\"dailyTokens\": 900000}"),
                new Route("DELETE", "/v1/tenants/" + tenant + "/supervisor-policy", Set.of(Roles.OPERATOR), null),
                new Route("GET", sessions + "/escalation", Set.of(Roles.OPERATOR, Roles.AUDITOR), null),
                // last: the right token releases the session
                new Route("POST", sessions + "/escalation/release", Set.of(Roles.OPERATOR), "{\"note\": \"handled\"}"));
    }

    @Test
    void everyRouteRefusesWhoItMustAndAnswersWhoItMay() {
        for (Route route : routes(A)) {
            String what = route.method() + " " + route.path();
            assertProblem(route.call(null), 401, what + " without a token");
            assertProblem(route.call(TestTokens.bearer(TestTokens.expired(A, route.allowedRole()))), 401, what + " expired");
            assertProblem(route.call(TestTokens.bearer(TestTokens.forged(A, route.allowedRole()))), 401, what + " forged");
            assertProblem(route.call(TestTokens.bearer(TestTokens.otherAudience(A, route.allowedRole()))), 401,
                    what + " other audience");
            assertProblem(route.call("Bearer not-a-token"), 401, what + " garbage");
            for (String token : route.wrongRoleTokens(A)) {
                assertProblem(route.call(TestTokens.bearer(token)), 403, what + " wrong role");
            }
            Response otherTenant = route.call(TestTokens.bearer(route.allowedToken(B)));
            assertProblem(otherTenant, 404, what + " another tenant's token");
            assertThat(otherTenant.asString()).doesNotContain(session);

            Response allowed = route.call(TestTokens.bearer(route.allowedToken(A)));
            assertThat(allowed.statusCode()).as(what + " right token: " + allowed.asString()).isBetween(200, 299);
        }
    }

    @Test
    void anAdminReadsATenantsBudgetsButNoSession() {
        given().header("Authorization", TestTokens.bearer(TestTokens.admin())).get("/v1/tenants/" + A + "/budgets")
                .then().statusCode(200).body("tenant", equalTo(A));
        assertProblem(given().header("Authorization", TestTokens.bearer(TestTokens.admin()))
                .get("/v1/tenants/" + A + "/sessions/" + session + "/budget"), 403, "admin reading a session");
    }

    @Test
    void tenantBsTokensSeeNothingOfTenantAsSessionEvenOnTheirOwnPath() {
        for (Route route : routes(B)) {
            if (!route.path().contains(session)) {
                continue;
            }
            for (String role : List.of(Roles.OPERATOR, Roles.AUDITOR)) {
                if (!route.allowed().contains(role)) {
                    continue;
                }
                Response answer = route.call(TestTokens.bearer(TestTokens.token(role + "-1", B, role)));
                assertProblem(answer, 404, route.method() + " " + route.path() + " as tenant B");
                assertThat(answer.asString()).doesNotContain(A).doesNotContain("concierge");
            }
        }
        String tenantBBudgets = given().header("Authorization", TestTokens.bearer(TestTokens.auditor(B)))
                .get("/v1/tenants/" + B + "/budgets").then().statusCode(200).extract().asString();
        assertThat(tenantBBudgets).doesNotContain(A).contains("\"usedTokens\":0");
    }

    private static void assertProblem(Response answer, int status, String what) {
        assertThat(answer.statusCode()).as(what + ": " + answer.asString()).isEqualTo(status);
        assertThat(answer.contentType()).as(what).startsWith(PROBLEM);
        assertThat(answer.jsonPath().getInt("status")).as(what).isEqualTo(status);
    }
}
