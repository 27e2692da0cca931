package dev.switchboard.supervisor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.streams.TestEvents;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Budgets and run-time policies over HTTP on a real broker: a policy published through the API lowers a
 * tenant's session budget, results are debited, the budgets are visible per session and per tenant, and the
 * next turn is stopped with an audited decision. Operator endpoints refuse callers without the key.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class BudgetsAndPoliciesIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String OPERATOR = "Bearer test-operator-key";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void operatorEndpointsNeedTheOperatorKeyAndRejectInvalidPolicies() {
        given().contentType(ContentType.JSON).body("{\"sessionTokens\": 5}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(401);
        given().contentType(ContentType.JSON).header("Authorization", "Bearer wrong").body("{}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(401);
        given().contentType(ContentType.JSON).header("Authorization", OPERATOR)
                .body("{\"rules\": [{\"pattern\": \"(unclosed\", \"agent\": \"billing\"}]}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400)
                .body("message", containsString("rule 0"));
        given().contentType(ContentType.JSON).header("Authorization", OPERATOR)
                .body("{\"rules\": [{\"pattern\": \"x\", \"agent\": \"Not An Agent\"}]}")
                .put("/v1/tenants/initech/supervisor-policy").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"tenant\": \"initech\", \"actor\": \"me\"}")
                .post("/v1/sessions/s-1/escalation/release").then().statusCode(401);
        given().get("/v1/tenants/initech/supervisor-policy").then().statusCode(200)
                .body("source", equalTo("configuration"));
    }

    @Test
    void aPolicySetOverHttpBudgetsTheSessionAndBothBudgetsAreVisible() {
        TopicWriter.send(bootstrap, Topics.AGENTS_CATALOG, "concierge",
                TestEvents.agent("concierge", "concierge", List.of("chat")));
        given().contentType(ContentType.JSON).header("Authorization", OPERATOR)
                .body("{\"sessionTokens\": 30, \"updatedBy\": \"ops\"}")
                .put("/v1/tenants/hooli/supervisor-policy").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/tenants/hooli/supervisor-policy").then()
                .statusCode(200).body("source", equalTo("policy topic")).body("sessionTokens", equalTo(30)));

        String session = UUID.randomUUID().toString();
        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, session, TestEvents.turn("hooli", session, "t1"));
        AgentTask task;
        try (var tasks = TopicReader.fromBeginning(bootstrap, Topics.agentTasks("concierge"))) {
            task = tasks.first(session, WAIT).value();
        }
        assertThat(task.getMaxTokens()).isEqualTo(30);
        TopicWriter.send(bootstrap, Topics.AGENT_RESULTS_CLEARED, session, TestEvents.result(task, Outcome.REPLY, 30));

        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/budgets/sessions/" + session).then()
                .statusCode(200).body("tenant", equalTo("hooli")).body("usedTokens", equalTo(30))
                .body("remainingTokens", equalTo(0)));
        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/budgets/tenants/hooli").then()
                .statusCode(200).body("usedTokens", equalTo(30)).body("results", equalTo(1)));

        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, session, TestEvents.turn("hooli", session, "t2"));
        try (var replies = TopicReader.fromBeginning(bootstrap, Topics.REPLIES_OUTBOUND);
             var decisions = TopicReader.fromBeginning(bootstrap, Topics.SUPERVISOR_DECISIONS)) {
            List<ReplyOutbound> answers = replies.values(session, 2, WAIT);
            assertThat(answers).extracting(ReplyOutbound::getKind).containsExactly(ReplyKind.AGENT_REPLY, ReplyKind.LIMIT);
            SupervisorDecision stopped = decisions.first(session, WAIT).value();
            assertThat(stopped.getKind()).isEqualTo(DecisionKind.BUDGET_EXHAUSTED);
            assertThat(stopped.getCode()).isEqualTo("session_tokens");
        }

        given().get("/v1/budgets/sessions/" + UUID.randomUUID()).then().statusCode(404);
        given().get("/v1/budgets/tenants/hooli?day=yesterday").then().statusCode(400);
        given().header("Authorization", OPERATOR).delete("/v1/tenants/hooli/supervisor-policy").then().statusCode(202);
        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/tenants/hooli/supervisor-policy").then()
                .body("source", equalTo("configuration")));
    }
}
