package dev.switchboard.compliance.messaging;

import static dev.switchboard.compliance.TestHttp.auditorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.TestEvents;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.SupervisorDecision;
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

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class SupervisorDecisionConsumerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    // Read from the test thread (the awaits poll in it): the repository needs its request context.
    @Inject
    AuditEventRepository audit;

    @Test
    void theChannelReadsTheCatalogTopicAndDeadLettersToTheCatalogTopic() {
        var config = ConfigProvider.getConfig();
        String prefix = "mp.messaging.incoming." + SupervisorDecisionConsumer.SUPERVISOR_DECISIONS;
        assertThat(config.getValue(prefix + ".topic", String.class)).isEqualTo(Topics.SUPERVISOR_DECISIONS.name());
        assertThat(config.getValue(prefix + ".dead-letter-queue.topic", String.class))
                .isEqualTo(Topics.DEAD_LETTERS.name());
        assertThat(config.getValue(prefix + ".isolation.level", String.class)).isEqualTo("read_committed");
        assertThat(config.getValue(prefix + ".group.id", String.class)).isNotEqualTo(
                config.getValue("mp.messaging.incoming." + ComplianceConsumer.TURNS_RAW + ".group.id", String.class));
    }

    @Test
    void eachDecisionIsAuditedOnceEvenWhenPublishedTwice() {
        String session = UUID.randomUUID().toString();
        SupervisorDecision refused = TestEvents.decision(UUID.randomUUID().toString(), session,
                DecisionKind.HANDOFF_REFUSED, "handoff_undeclared", "concierge may not hand off to billing-agent",
                "concierge", "task-1");
        SupervisorDecision exhausted = TestEvents.decision(UUID.randomUUID().toString(), session,
                DecisionKind.BUDGET_EXHAUSTED, "session_tokens", "budget spent, ask lee@example.com", null, null);
        RecordMetadata first = produce(session, refused);
        produce(session, refused);
        produce(session, exhausted);

        // Same key, same partition: once the last one is audited, both copies of the first have been read.
        await().atMost(WAIT).pollInSameThread().until(() -> audit.findByEventId(exhausted.getEnvelope().getEventId()).isPresent());

        assertThat(audit.listBySession("acme", session)).hasSize(2);
        AuditEventEntity refusal = audit.findByEventId(refused.getEnvelope().getEventId()).orElseThrow();
        assertThat(refusal.eventType).isEqualTo(EventType.SUPERVISOR_DECISION);
        assertThat(refusal.decision).isEqualTo("HANDOFF_REFUSED");
        assertThat(refusal.decisionCode).isEqualTo("handoff_undeclared");
        assertThat(refusal.agent).isEqualTo("concierge");
        assertThat(refusal.taskId).isEqualTo("task-1");
        assertThat(refusal.clearedEventId).isNull();
        assertThat(refusal.sourceTopic).isEqualTo(Topics.SUPERVISOR_DECISIONS.name());
        assertThat(refusal.sourcePartition).isEqualTo(first.partition());
        assertThat(refusal.sourceOffset).as("the first copy's position").isEqualTo(first.offset());
        AuditEventEntity budget = audit.findByEventId(exhausted.getEnvelope().getEventId()).orElseThrow();
        assertThat(budget.decision).isEqualTo("BUDGET_EXHAUSTED");
        assertThat(budget.decisionCode).isEqualTo("session_tokens");
        assertThat(budget.agent).isNull();
        assertThat(budget.taskId).isNull();
        assertThat(budget.content).doesNotContain("lee@example.com");
        assertThat(budget.redactions).isEqualTo(1);

        // The offset is committed once the rows are written.
        String group = ConfigProvider.getConfig().getValue(
                "mp.messaging.incoming." + SupervisorDecisionConsumer.SUPERVISOR_DECISIONS + ".group.id", String.class);
        try (Admin admin = Admin.create(EmbeddedKafka.shared().clientProperties(BrokerAccess.ADMIN))) {
            TopicPartition partition = new TopicPartition(first.topic(), first.partition());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(partition).offset()).isGreaterThan(first.offset() + 2));
        }
    }

    @Test
    void theAuditEndpointListsDecisionsWithTheirKindAndCode() {
        String session = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        produce(session, TestEvents.decision(eventId, session, DecisionKind.TASK_TIMEOUT, "task_deadline",
                "billing-agent did not answer within 30 s", "billing-agent", "task-9"));

        await().atMost(WAIT).untilAsserted(() -> auditorOf("acme").get("/v1/tenants/acme/audit/sessions/" + session)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("size()", is(1))
                .body("[0].eventId", is(eventId))
                .body("[0].eventType", is("SUPERVISOR_DECISION"))
                .body("[0].decision", is("TASK_TIMEOUT"))
                .body("[0].decisionCode", is("task_deadline"))
                .body("[0].agent", is("billing-agent"))
                .body("[0].taskId", is("task-9"))
                .body("[0].clearedEventId", nullValue())
                .body("[0].sourceTopic", is(Topics.SUPERVISOR_DECISIONS.name()))
                .body("[0].content.detail", is("billing-agent did not answer within 30 s"))
                .body("[0].redactions", is(0)));
    }

    @Test
    void aRecordThatIsNotAvroGoesToTheDeadLetterTopicAndTheNextDecisionIsStillAudited() throws Exception {
        String session = UUID.randomUUID().toString();
        byte[] garbage = ("not a decision " + session).getBytes(StandardCharsets.UTF_8);
        try (var producer = new KafkaProducer<>(EmbeddedKafka.shared().clientProperties(BrokerAccess.SUPERVISOR),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.SUPERVISOR_DECISIONS.name(), session, garbage)).get();
        }
        String next = UUID.randomUUID().toString();
        produce(session, TestEvents.decision(next, session, DecisionKind.RELEASED, "operator_release",
                "released by an operator", null, null));

        ConsumerRecord<String, byte[]> dead;
        try (var reader = TopicReader.fromBeginning(bootstrap, Topics.DEAD_LETTERS)) {
            dead = reader.until(session, records -> !records.isEmpty(), WAIT).get(0);
        }
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.headers().lastHeader("dead-letter-topic").value())
                .isEqualTo(Topics.SUPERVISOR_DECISIONS.name().getBytes(StandardCharsets.UTF_8));

        await().atMost(WAIT).pollInSameThread().until(() -> audit.findByEventId(next).isPresent());
        assertThat(audit.listBySession("acme", session)).singleElement()
                .satisfies(row -> assertThat(row.decision).isEqualTo("RELEASED"));
    }

    private RecordMetadata produce(String session, SupervisorDecision decision) {
        return TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.SUPERVISOR_DECISIONS, session, decision);
    }
}
