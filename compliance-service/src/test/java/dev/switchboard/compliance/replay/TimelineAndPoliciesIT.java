package dev.switchboard.compliance.replay;

import static dev.switchboard.compliance.TestHttp.auditorOf;
import static dev.switchboard.compliance.TestHttp.operatorActor;
import static dev.switchboard.compliance.TestHttp.operatorOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.TestEvents;
import dev.switchboard.compliance.TestTickets;
import dev.switchboard.compliance.audit.AuditContents;
import dev.switchboard.compliance.audit.OperationsAudit;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Step;
import dev.switchboard.events.StepKind;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * On a real broker and PostgreSQL: a tenant policy published over HTTP changes what compliance does at run time
 * and is audited with its operator; a finished multi-agent session is reconstructed from the topics, every event
 * of the tenant in order with its decision; and a replay under today's policy writes to its own topics, never to
 * live topics, and is audited as one row.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class TimelineAndPoliciesIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @jakarta.inject.Inject
    AuditEventRepository audit;

    @jakarta.inject.Inject
    AuditContents contents;

    @Test
    void aPolicyPublishedOverHttpBlocksCardsForItsTenantOnlyAndEveryChangeIsAudited() throws Exception {
        String policy = "/v1/tenants/initech/compliance-policy";
        given().contentType(ContentType.JSON).body("{\"pii\": {\"CREDIT_CARD\": \"BLOCK\"}}")
                .put(policy).then().statusCode(401);
        auditorOf("initech").contentType(ContentType.JSON).body("{\"pii\": {\"CREDIT_CARD\": \"BLOCK\"}}")
                .put(policy).then().statusCode(403);
        operatorOf("initech").contentType(ContentType.JSON).body("{\"pii\": {\"SHOE\": \"BLOCK\"}}")
                .put(policy).then().statusCode(400).contentType("application/problem+json")
                .body("code", equalTo("invalid-policy")).body("detail", containsString("SHOE"));
        // updatedBy in the body names nobody: the change is the verified caller's.
        String eventId = operatorOf("initech").contentType(ContentType.JSON)
                .body("{\"pii\": {\"CREDIT_CARD\": \"BLOCK\", \"EMAIL\": \"MASK\"}, \"updatedBy\": \"dpo\"}")
                .put(policy).then().statusCode(202)
                .body("updatedBy", equalTo(operatorActor("initech")))
                .extract().path("auditEventId");
        await().atMost(WAIT).untilAsserted(() -> auditorOf("initech").get(policy).then()
                .statusCode(200).body("source", equalTo("policy topic")).body("pii.CREDIT_CARD", equalTo("BLOCK"))
                .body("pii.IBAN", equalTo("REDACT")).body("injectionInTurns", equalTo("BLOCK")));
        var change = audit.findByEventId(eventId).orElseThrow();
        assertThat(change.eventType).isEqualTo(EventType.POLICY_CHANGE);
        assertThat(change.tenant).isEqualTo("initech");
        assertThat(change.actor).isEqualTo(operatorActor("initech"));
        assertThat(change.decision).isEqualTo(OperationsAudit.POLICY_SET);
        assertThat(change.decisionCode).isEqualTo(OperationsAudit.COMPLIANCE_POLICY);
        // The row's digest is that of the record's bytes on the topic.
        var asBytes = new dev.switchboard.schemas.Topic<>(Topics.COMPLIANCE_POLICIES.name(),
                Topics.COMPLIANCE_POLICIES.keySerde(), org.apache.kafka.common.serialization.Serdes.ByteArray(),
                Topics.COMPLIANCE_POLICIES.cleanup(), Topics.COMPLIANCE_POLICIES.partitions());
        try (var published = TopicReader.fromBeginning(bootstrap, asBytes)) {
            byte[] record = published.first("initech", WAIT).value();
            assertThat(Topics.COMPLIANCE_POLICIES.valueSerde().deserializer().deserialize(Topics.COMPLIANCE_POLICIES.name(),
                    record).getUpdatedBy()).isEqualTo(operatorActor("initech"));
            assertThat(change.content).contains(java.util.HexFormat.of().formatHex(
                    java.security.MessageDigest.getInstance("SHA-256").digest(record)));
        }

        String blocked = UUID.randomUUID().toString();
        TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, blocked,
                TestEvents.turn("initech", "ivy", UUID.randomUUID().toString(), blocked, "pay with 4111 1111 1111 1111"));
        TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, blocked,
                TestEvents.turn("initech", "ivy", UUID.randomUUID().toString(), blocked, "write to ivy@example.com"));
        try (var rejected = TopicReader.fromBeginning(bootstrap, Topics.TURNS_REJECTED);
             var cleared = TopicReader.fromBeginning(bootstrap, Topics.TURNS_CLEARED)) {
            TurnRejected rejection = rejected.first(blocked, WAIT).value();
            assertThat(rejection.getReasonCode()).isEqualTo("pii_blocked:CREDIT_CARD");
            assertThat(rejection.getReason()).contains("payment card").doesNotContain("4111");
            assertThat(cleared.values(blocked, 1, WAIT)).extracting(TurnReceived::getText)
                    .as("only the second turn, with the address masked").containsExactly("write to i***@example.com");
        }

        String other = UUID.randomUUID().toString();
        TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, other,
                TestEvents.turn(UUID.randomUUID().toString(), other, "pay with 4111 1111 1111 1111"));
        try (var cleared = TopicReader.fromBeginning(bootstrap, Topics.TURNS_CLEARED)) {
            assertThat(cleared.first(other, WAIT).value().getText()).isEqualTo("pay with [CREDIT_CARD]");
        }

        String removal = operatorOf("initech").delete(policy).then().statusCode(202)
                .body("updatedBy", equalTo(operatorActor("initech"))).extract().path("auditEventId");
        assertThat(audit.findByEventId(removal).orElseThrow().decision).isEqualTo(OperationsAudit.POLICY_REMOVED);
        await().atMost(WAIT).untilAsserted(() -> auditorOf("initech").get(policy).then().statusCode(200)
                .body("pii.CREDIT_CARD", equalTo("REDACT")));
    }

    @Test
    void aFinishedMultiAgentSessionIsReconstructedInOrderAndReplayedOutsideLiveState() throws Exception {
        String session = UUID.randomUUID().toString();
        String noise = UUID.randomUUID().toString();
        TurnReceived turn = TestEvents.turn(UUID.randomUUID().toString(), session, "hi, I am ann@example.com, refund please");
        TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, session, turn);
        TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, noise, TestEvents.turn(UUID.randomUUID().toString(), noise, "other"));
        // Another tenant's event on the same key is no part of acme's session.
        TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, session,
                TestEvents.turn("globex", "gus", UUID.randomUUID().toString(), session, "globex's own words"));
        awaitOn(Topics.TURNS_CLEARED, session, 2);

        AgentTask concierge = task(turn, "concierge");
        TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.agentTasks("concierge"), session, concierge);
        AgentResult handoff = result(concierge, Outcome.HANDOFF);
        TopicWriter.sendAs(BrokerAccess.agentPrincipal("concierge"), Topics.AGENT_RESULTS_RAW, session, handoff);
        awaitOn(Topics.AGENT_RESULTS_CLEARED, session, 1);

        AgentTask billing = task(turn, "billing-agent");
        TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.agentTasks("billing-agent"), session, billing);
        AgentResult reply = result(billing, Outcome.REPLY);
        TopicWriter.sendAs(BrokerAccess.agentPrincipal("billing-agent"), Topics.AGENT_RESULTS_RAW, session, reply);
        awaitOn(Topics.AGENT_RESULTS_CLEARED, session, 2);
        TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.REPLIES_OUTBOUND, session, ReplyOutbound.newBuilder()
                .setEnvelope(Envelopes.derive(reply.getEnvelope(), "reply")).setKind(ReplyKind.AGENT_REPLY)
                .setText("Refund issued").setAgent("billing-agent").build());

        JsonNode export = await().atMost(WAIT).until(() -> timeline(session, null),
                json -> json.path("events").asInt() == 9);
        List<String> topics = JSON.convertValue(export.path("timeline").findValues("topic"),
                JSON.getTypeFactory().constructCollectionType(List.class, String.class));
        assertThat(topics).containsExactly("turns.raw", "turns.cleared", "agent.concierge.tasks", "agent.results.raw",
                "agent.results.cleared", "agent.billing-agent.tasks", "agent.results.raw", "agent.results.cleared",
                "replies.outbound");
        JsonNode entries = export.path("timeline");
        assertThat(entries.toString()).doesNotContain("ann@example.com").doesNotContain("DE89370400440532013000")
                .doesNotContain("globex");
        assertThat(entries.get(0).path("decision").asText()).isEqualTo("REDACTED");
        assertThat(entries.get(1).path("decision").asText()).isEqualTo("REDACTED");
        assertThat(entries.get(1).path("event").path("text").asText()).contains("[EMAIL]");
        assertThat(entries.get(7).path("event").path("steps").get(0).path("output").asText()).contains("[IBAN]");
        assertThat(entries.get(8).path("type").asText()).isEqualTo("ReplyOutbound");

        Instant billingAt = Instant.parse(entries.get(5).path("at").asText());
        JsonNode tail = timeline(session, billingAt);
        assertThat(tail.path("timeline").get(0).path("topic").asText()).isEqualTo("agent.billing-agent.tasks");
        assertThat(tail.path("events").asInt()).isEqualTo(4);

        auditorOf("globex").get("/v1/tenants/globex/audit/sessions/" + session + "/timeline").then().statusCode(200)
                .body("events", equalTo(2)).body(not(containsString("ann@")));

        long liveBefore = endOffset(Topics.TURNS_CLEARED.name(), session) + endOffset(Topics.AGENT_RESULTS_CLEARED.name(), session);
        int auditRowsBefore = audit.listBySession("acme", session).size();
        String replayPath = "/v1/tenants/acme/audit/sessions/" + session + "/replay";
        given().post(replayPath).then().statusCode(401);
        auditorOf("acme").post(replayPath).then().statusCode(403);
        JsonNode run = JSON.readTree(operatorOf("acme").post(replayPath).then().statusCode(200).extract().asString());
        assertThat(run.path("replayed").asInt()).isEqualTo(3);
        String replayTurns = run.path("topics").path("turns.cleared").asText();
        assertThat(replayTurns).startsWith("replay.").endsWith(".turns.cleared");
        try (var replayed = TopicReader.fromBeginning(bootstrap, new dev.switchboard.schemas.Topic<>(replayTurns,
                Topics.TURNS_CLEARED.keySerde(), Topics.TURNS_CLEARED.valueSerde(), Topics.TURNS_CLEARED.cleanup(), 1))) {
            assertThat(replayed.first(session, WAIT).value().getText()).contains("[EMAIL]");
        }
        long liveAfter = endOffset(Topics.TURNS_CLEARED.name(), session) + endOffset(Topics.AGENT_RESULTS_CLEARED.name(), session);
        assertThat(liveAfter).as("live topics untouched").isEqualTo(liveBefore);
        var rows = audit.listBySession("acme", session);
        assertThat(rows).as("the replay's own row, and no replayed event audited again").hasSize(auditRowsBefore + 1);
        var replayRow = rows.stream().filter(row -> row.eventType == EventType.REPLAY).findFirst().orElseThrow();
        assertThat(replayRow.actor).isEqualTo(operatorActor("acme"));
        assertThat(replayRow.decision).isEqualTo(OperationsAudit.REPLAYED);
        assertThat(contents.reader().read(replayRow).json()).contains(run.path("runId").asText());
    }

    private JsonNode timeline(String session, Instant from) throws Exception {
        var request = auditorOf("acme");
        if (from != null) {
            request = request.queryParam("from", from.toString());
        }
        return JSON.readTree(request.get("/v1/tenants/acme/audit/sessions/" + session + "/timeline").then().statusCode(200)
                .header("Content-Disposition", containsString("attachment")).extract().asString());
    }

    private void awaitOn(dev.switchboard.schemas.Topic<String, ?> topic, String session, int count) {
        try (var reader = TopicReader.fromBeginning(bootstrap, topic)) {
            reader.values(session, count, WAIT);
        }
    }

    private long endOffset(String topic, String session) {
        try (var consumer = new KafkaConsumer<>(EmbeddedKafka.shared().clientProperties(BrokerAccess.ADMIN),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static AgentTask task(TurnReceived turn, String agent) {
        var envelope = Envelopes.derive(turn.getEnvelope(), "task/" + agent);
        AgentTask task = AgentTask.newBuilder().setEnvelope(envelope).setTaskId(envelope.getEventId()).setAgent(agent)
                .setText("hi, I am [EMAIL], refund please").setMaxIterations(4).setMaxTokens(1000).build();
        task.setTicket(TestTickets.TICKETS.issue(task));
        return task;
    }

    private static AgentResult result(AgentTask task, Outcome outcome) {
        return AgentResult.newBuilder().setEnvelope(Envelopes.derive(task.getEnvelope(), "result"))
                .setTaskId(task.getTaskId()).setAgent(task.getAgent()).setOutcome(outcome)
                .setReply(outcome == Outcome.REPLY ? "Refunded to your account" : null)
                .setHandoff(outcome == Outcome.HANDOFF ? new Handoff("billing-agent", "refund", "customer ann@example.com") : null)
                .setSteps(outcome == Outcome.REPLY ? List.of(new Step(StepKind.TOOL_CALL, "lookup_account", "ok", 3L,
                        "account DE89 3704 0044 0532 0130 00, balance 10 EUR")) : List.of())
                .setUsage(new Usage(10L, 5L, 1)).setTicket(task.getTicket()).build();
    }
}
