package dev.switchboard.compliance.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.ClearingTest;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class RawEventsConsumerIT {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void channelsUseTheCatalogTopics() {
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.incoming." + RawEventsConsumer.TURNS_RAW + ".topic", String.class))
                .isEqualTo(Topics.TURNS_RAW.name());
        assertThat(config.getValue("mp.messaging.outgoing." + RawEventsConsumer.TURNS_CLEARED + ".topic", String.class))
                .isEqualTo(Topics.TURNS_CLEARED.name());
        assertThat(config.getValue("mp.messaging.incoming." + RawEventsConsumer.RESULTS_RAW + ".topic", String.class))
                .isEqualTo(Topics.AGENT_RESULTS_RAW.name());
        assertThat(config.getValue("mp.messaging.outgoing." + RawEventsConsumer.RESULTS_CLEARED + ".topic", String.class))
                .isEqualTo(Topics.AGENT_RESULTS_CLEARED.name());
    }

    @Test
    void aTurnIsRedactedAuditedOnceAndPublishedCleared() throws Exception {
        String session = UUID.randomUUID().toString();
        String eventId = UUID.randomUUID().toString();
        TurnReceived raw = new TurnReceived(ClearingTest.envelope(eventId, session), null, "mail me at bob@example.com");
        produce(Topics.TURNS_RAW, session, raw);
        produce(Topics.TURNS_RAW, session, raw); // redelivered: the same event id again

        List<TurnReceived> cleared = readAll(Topics.TURNS_CLEARED, session, 2);
        assertThat(cleared).allSatisfy(turn -> {
            assertThat(turn.getText()).isEqualTo("mail me at [EMAIL]");
            assertThat(turn.getEnvelope().getEventId()).isNotEqualTo(eventId)
                    .isEqualTo(cleared.get(0).getEnvelope().getEventId());
        });

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/v1/audit/sessions/" + session)
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("size()", org.hamcrest.Matchers.is(1))
                .body("[0].eventId", org.hamcrest.Matchers.is(eventId))
                .body("[0].eventType", org.hamcrest.Matchers.is("TURN_RECEIVED"))
                .body("[0].content", org.hamcrest.Matchers.is("mail me at [EMAIL]"))
                .body("[0].redactions", org.hamcrest.Matchers.is(1))
                .body("[0].sourceTopic", org.hamcrest.Matchers.is("turns.raw")));
    }

    @Test
    void anAgentResultIsRedactedAuditedAndPublishedCleared() throws Exception {
        String session = UUID.randomUUID().toString();
        AgentResult raw = AgentResult.newBuilder().setEnvelope(ClearingTest.envelope(UUID.randomUUID().toString(), session))
                .setTaskId("task").setAgent("concierge").setOutcome(Outcome.REPLY)
                .setReply("I wrote to carol@example.org").setUsage(new Usage(3L, 4L, 1)).build();
        produce(Topics.AGENT_RESULTS_RAW, session, raw);

        List<AgentResult> cleared = readAll(Topics.AGENT_RESULTS_CLEARED, session, 1);
        assertThat(cleared.get(0).getReply()).isEqualTo("I wrote to [EMAIL]");
        assertThat(cleared.get(0).getUsage().getOutputTokens()).isEqualTo(4L);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/v1/audit/sessions/" + session)
                .then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.is(1))
                .body("[0].eventType", org.hamcrest.Matchers.is("AGENT_RESULT"))
                .body("[0].content", org.hamcrest.Matchers.is("REPLY: I wrote to [EMAIL]")));
    }

    @Test
    void anUnknownSessionHasAnEmptyTrail() {
        given().get("/v1/audit/sessions/" + UUID.randomUUID()).then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.is(0));
    }

    private <V> void produce(Topic<String, V> topic, String key, V value) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        }
    }

    /** Reads committed records of one session until {@code expected} arrived (or 30 s passed). */
    private <V> List<V> readAll(Topic<String, V> topic, String session, int expected) {
        List<V> values = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            consumer.subscribe(List.of(topic.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(300)).forEach(record -> {
                    if (record.key().equals(session)) {
                        values.add(record.value());
                    }
                });
            }
        }
        assertThat(values).as("records of session " + session + " on " + topic.name()).hasSize(expected);
        return values;
    }
}
