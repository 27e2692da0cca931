package dev.switchboard.supervisor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.messaging.ControlPublisher;
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
import io.restassured.http.ContentType;

/**
 * Budgets and run-time policies over HTTP on a real broker: a policy published through the API by an operator
 * (recorded as changed by the token's subject, never by the body) lowers a tenant's session budget, results are
 * debited, the budgets are visible per session and per tenant, and the next turn is stopped with an audited
 * decision. Invalid policies and days are refused with problem answers.
 */
@QuarkusTest
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "supervisor"),
        @ResourceArg(name = "agents", value = "concierge,support,billing")})
class BudgetsAndPoliciesIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String OPERATOR = TestTokens.bearer(TestTokens.operator("hooli"));
    static final String AUDITOR = TestTokens.bearer(TestTokens.auditor("hooli"));

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SupervisorQueries queries;

    @Test
    void invalidPoliciesAreRefusedWithAProblemNamingTheRule() {
        String initech = TestTokens.bearer(TestTokens.operator("initech"));
        given().contentType(ContentType.JSON).header("Authorization", initech)
                .body("{\"rules\": [{\"pattern\": \"(unclosed\", \"agent\": \"billing\"}]}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid-request")).body("detail", containsString("rule 0"));
        given().contentType(ContentType.JSON).header("Authorization", initech)
                .body("{\"rules\": [{\"pattern\": \"x\", \"agent\": \"Not An Agent\"}]}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400)
                .body("detail", containsString("rule 0: agent"));
        given().header("Authorization", initech).get("/v1/tenants/initech/supervisor-policy").then().statusCode(200)
                .body("source", equalTo("configuration"));
    }

    @Test
    void aPolicyNamingAnAgentNoInstanceHostsIsRefusedAtTheDoor() {
        CatalogAgents.publish(bootstrap, queries, TestEvents.concierge());
        String initech = TestTokens.bearer(TestTokens.operator("initech"));
        given().contentType(ContentType.JSON).header("Authorization", initech)
                .body("{\"rules\": [{\"pattern\": \"x\", \"agent\": \"concierge\"},"
                        + " {\"pattern\": \"refund\", \"agent\": \"ghost-agent\"}]}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", equalTo("invalid-request"))
                .body("detail", containsString("rule 1: agent: ghost-agent is not in the agent catalog"));
        given().contentType(ContentType.JSON).header("Authorization", initech)
                .body("{\"rules\": [{\"pattern\": \"x\", \"agent\": \"Billing_Agent\"}]}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400)
                .body("detail", containsString("rule 0: agent")).body("detail", containsString("Billing_Agent"));
        given().contentType(ContentType.JSON).header("Authorization", initech)
                .body("{\"defaultAgent\": \"ghost-agent\"}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400)
                .body("detail", containsString("defaultAgent: ghost-agent is not in the agent catalog"));
        given().header("Authorization", initech).get("/v1/tenants/initech/supervisor-policy").then().statusCode(200)
                .body("source", equalTo("configuration"));

        String umbrella = TestTokens.bearer(TestTokens.operator("umbrella"));
        given().contentType(ContentType.JSON).header("Authorization", umbrella)
                .body("{\"rules\": [{\"pattern\": \"lawyer\", \"agent\": \"human\"},"
                        + " {\"pattern\": \"x\", \"agent\": \"concierge\"}], \"defaultAgent\": \"concierge\"}")
                .put("/v1/tenants/umbrella/supervisor-policy").then().statusCode(202);
    }

    @Test
    void aPolicySetOverHttpBudgetsTheSessionAndBothBudgetsAreVisible() {
        CatalogAgents.publish(bootstrap, queries, TestEvents.concierge());
        given().contentType(ContentType.JSON).header("Authorization", OPERATOR)
                .body("{\"sessionTokens\": 30, \"updatedBy\": \"somebody-else\"}")
                .put("/v1/tenants/hooli/supervisor-policy").then().statusCode(202)
                .body("updatedBy", equalTo("operator-1@hooli"));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", AUDITOR)
                .get("/v1/tenants/hooli/supervisor-policy").then()
                .statusCode(200).body("source", equalTo("policy topic")).body("sessionTokens", equalTo(30)));
        try (var policies = TopicReader.fromBeginning(bootstrap, Topics.SUPERVISOR_POLICIES)) {
            var published = policies.first("hooli", policy -> policy != null, WAIT);
            SupervisorPolicy policy = published.value();
            assertThat(policy.getUpdatedBy()).as("the token's subject, not the body's").isEqualTo("operator-1@hooli");
            assertThat(new String(published.headers().lastHeader(ControlPublisher.ACTOR_HEADER).value(),
                    StandardCharsets.UTF_8)).isEqualTo("operator-1@hooli");
        }

        String session = UUID.randomUUID().toString();
        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, session, TestEvents.turn("hooli", session, "t1-" + session));
        AgentTask task;
        try (var tasks = TopicReader.fromBeginning(bootstrap, Topics.agentTasks("concierge"))) {
            task = tasks.first(session, WAIT).value();
        }
        assertThat(task.getMaxTokens()).isEqualTo(30);
        TopicWriter.send(bootstrap, Topics.AGENT_RESULTS_CLEARED, session, TestEvents.result(task, Outcome.REPLY, 30));

        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", AUDITOR)
                .get("/v1/tenants/hooli/sessions/" + session + "/budget").then()
                .statusCode(200).body("tenant", equalTo("hooli")).body("usedTokens", equalTo(30))
                .body("remainingTokens", equalTo(0)));
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", OPERATOR)
                .get("/v1/tenants/hooli/budgets").then()
                .statusCode(200).body("usedTokens", equalTo(30)).body("results", equalTo(1)));

        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, session, TestEvents.turn("hooli", session, "t2-" + session));
        try (var replies = TopicReader.fromBeginning(bootstrap, Topics.REPLIES_OUTBOUND);
             var decisions = TopicReader.fromBeginning(bootstrap, Topics.SUPERVISOR_DECISIONS)) {
            List<ReplyOutbound> answers = replies.values(session, 2, WAIT);
            assertThat(answers).extracting(ReplyOutbound::getKind).containsExactly(ReplyKind.AGENT_REPLY, ReplyKind.LIMIT);
            SupervisorDecision stopped = decisions.first(session, WAIT).value();
            assertThat(stopped.getKind()).isEqualTo(DecisionKind.BUDGET_EXHAUSTED);
            assertThat(stopped.getCode()).isEqualTo("session_tokens");
        }

        given().header("Authorization", AUDITOR).get("/v1/tenants/hooli/sessions/" + UUID.randomUUID() + "/budget")
                .then().statusCode(404).contentType("application/problem+json");
        given().header("Authorization", AUDITOR).get("/v1/tenants/hooli/budgets?day=yesterday").then()
                .statusCode(400).body("code", equalTo("invalid-request"));
        given().header("Authorization", OPERATOR).delete("/v1/tenants/hooli/supervisor-policy").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> given().header("Authorization", AUDITOR)
                .get("/v1/tenants/hooli/supervisor-policy").then().body("source", equalTo("configuration")));
    }
}
