package dev.switchboard.compliance.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

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

import dev.switchboard.compliance.TestEvents;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import dev.switchboard.testkit.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ComplianceConsumerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void channelsUseTheCatalogTopics() {
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.incoming." + ComplianceConsumer.TURNS_RAW + ".topic", String.class))
                .isEqualTo(Topics.TURNS_RAW.name());
        assertThat(config.getValue("mp.messaging.incoming." + ComplianceConsumer.AGENT_RESULTS_RAW + ".topic",
                String.class)).isEqualTo(Topics.AGENT_RESULTS_RAW.name());
        assertThat(config.getValue("mp.messaging.outgoing." + ComplianceConsumer.TURNS_CLEARED + ".topic",
                String.class)).isEqualTo(Topics.TURNS_CLEARED.name());
        assertThat(config.getValue("mp.messaging.outgoing." + ComplianceConsumer.AGENT_RESULTS_CLEARED + ".topic",
                String.class)).isEqualTo(Topics.AGENT_RESULTS_CLEARED.name());
        for (String channel : List.of(ComplianceConsumer.TURNS_RAW, ComplianceConsumer.AGENT_RESULTS_RAW)) {
            assertThat(config.getValue("mp.messaging.incoming." + channel + ".dead-letter-queue.topic", String.class))
                    .isEqualTo(Topics.DEAD_LETTERS.name());
        }
    }

    @Test
    void aTurnIsPublishedClearedAndAudited() throws Exception {
        String session = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        RecordMetadata raw = produce(Topics.TURNS_RAW, session,
                TestEvents.turn(eventId, session, "mail me at bob@example.com please"));

        TurnReceived cleared = readUntil(Topics.TURNS_CLEARED, session, records -> !records.isEmpty()).get(0);
        assertThat(cleared.getText()).isEqualTo("mail me at [EMAIL] please");
        assertThat(cleared.getEnvelope().getEventId()).isEqualTo(Envelopes.derivedId(eventId, "cleared"));
        assertThat(cleared.getEnvelope().getSessionId()).isEqualTo(session);

        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/audit/sessions/" + session)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("size()", is(1))
                .body("[0].eventId", is(eventId))
                .body("[0].eventType", is("TURN_RECEIVED"))
                .body("[0].tenant", is("acme"))
                .body("[0].sessionId", is(session))
                .body("[0].turnId", is("t1"))
                .body("[0].clearedEventId", is(cleared.getEnvelope().getEventId()))
                .body("[0].sourceTopic", is(Topics.TURNS_RAW.name()))
                .body("[0].content.text", is("mail me at [EMAIL] please"))
                .body("[0].redactions", is(1))
                .body("[0].sourcePartition", is(raw.partition()))
                .body("[0].sourceOffset", is((int) raw.offset())));

        // The consumer offset moved past the record: it was committed by the same Kafka transaction.
        String group = ConfigProvider.getConfig()
                .getValue("mp.messaging.incoming." + ComplianceConsumer.TURNS_RAW + ".group.id", String.class);
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", bootstrap))) {
            TopicPartition partition = new TopicPartition(raw.topic(), raw.partition());
            await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get().get(partition).offset()).isGreaterThan(raw.offset()));
        }
    }

    @Test
    void anAgentResultIsPublishedClearedAndAudited() throws Exception {
        String session = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        produce(Topics.AGENT_RESULTS_RAW, session, TestEvents.resultWithAddressesEverywhere(eventId, session));

        AgentResult cleared = readUntil(Topics.AGENT_RESULTS_CLEARED, session, records -> !records.isEmpty()).get(0);
        assertThat(cleared.getReply()).isEqualTo("I wrote to [EMAIL]");
        assertThat(cleared.getHandoff().getContext()).isEqualTo("account owner: [EMAIL]");
        assertThat(cleared.getSteps().get(0).getDetail()).isEqualTo("looked up [EMAIL]");
        assertThat(cleared.getEnvelope().getEventId()).isEqualTo(Envelopes.derivedId(eventId, "cleared"));

        await().atMost(WAIT).untilAsserted(() -> given().get("/v1/audit/sessions/" + session)
                .then().statusCode(200)
                .body("size()", is(1))
                .body("[0].eventId", is(eventId))
                .body("[0].eventType", is("AGENT_RESULT"))
                .body("[0].sourceTopic", is(Topics.AGENT_RESULTS_RAW.name()))
                .body("[0].content.reply", is("I wrote to [EMAIL]"))
                .body("[0].content.handoff.reason", is("[EMAIL] asked about an invoice"))
                .body("[0].redactions", is(6)));
    }

    @Test
    void aSecondCopyOfAnEventIsAuditedAndPublishedOnlyOnce() throws Exception {
        String session = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        TurnReceived raw = TestEvents.turn(eventId, session, "first, from ann@example.com");
        produce(Topics.TURNS_RAW, session, raw);
        produce(Topics.TURNS_RAW, session, raw);
        // Same key, same partition: once the marker is cleared, both copies have been processed.
        String marker = UUID.randomUUID().toString();
        produce(Topics.TURNS_RAW, session, TestEvents.turn(marker, session, "second"));

        String markerId = Envelopes.derivedId(marker, "cleared");
        List<TurnReceived> cleared = readUntil(Topics.TURNS_CLEARED, session,
                records -> records.stream().anyMatch(turn -> turn.getEnvelope().getEventId().equals(markerId)));
        assertThat(cleared).extracting(turn -> turn.getEnvelope().getEventId())
                .containsExactly(Envelopes.derivedId(eventId, "cleared"), markerId);

        given().get("/v1/audit/sessions/" + session).then().statusCode(200)
                .body("size()", is(2))
                .body("[0].eventId", is(eventId))
                .body("[1].eventId", is(marker));
    }

    @Test
    void aRecordThatIsNotAvroGoesToTheDeadLetterTopicAndTheNextOneIsStillCleared() throws Exception {
        String session = UUID.randomUUID().toString();
        byte[] garbage = ("not avro " + session).getBytes(StandardCharsets.UTF_8);
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.TURNS_RAW.name(), session, garbage)).get();
        }
        String next = UUID.randomUUID().toString();
        produce(Topics.TURNS_RAW, session, TestEvents.turn(next, session, "still here"));

        ConsumerRecord<String, byte[]> dead = readRecordsUntil(Topics.DEAD_LETTERS, session,
                records -> !records.isEmpty()).get(0);
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(dead.headers().lastHeader("dead-letter-topic").value())
                .isEqualTo(Topics.TURNS_RAW.name().getBytes(StandardCharsets.UTF_8));
        assertThat(dead.headers().lastHeader("dead-letter-reason")).isNotNull();

        TurnReceived cleared = readUntil(Topics.TURNS_CLEARED, session, records -> !records.isEmpty()).get(0);
        assertThat(cleared.getEnvelope().getEventId()).isEqualTo(Envelopes.derivedId(next, "cleared"));
        given().get("/v1/audit/sessions/" + session).then().statusCode(200)
                .body("size()", is(1))
                .body("[0].content", not(containsString("not avro")));
    }

    @Test
    void anUnknownSessionHasAnEmptyTrail() {
        given().get("/v1/audit/sessions/" + UUID.randomUUID()).then().statusCode(200).body("size()", is(0));
    }

    private <V> RecordMetadata produce(Topic<String, V> topic, String key, V value) {
        return TopicWriter.send(bootstrap, topic, key, value);
    }

    /** Values of one session's committed records, read from the start until {@code done} holds. */
    private <V> List<V> readUntil(Topic<String, V> topic, String session, Predicate<List<V>> done) {
        return readRecordsUntil(topic, session, records -> done.test(records.stream().map(ConsumerRecord::value).toList()))
                .stream().map(ConsumerRecord::value).toList();
    }

    private <V> List<ConsumerRecord<String, V>> readRecordsUntil(Topic<String, V> topic, String session,
            Predicate<List<ConsumerRecord<String, V>>> done) {
        try (var reader = TopicReader.fromBeginning(bootstrap, topic)) {
            return reader.until(session, done, WAIT);
        }
    }
}
