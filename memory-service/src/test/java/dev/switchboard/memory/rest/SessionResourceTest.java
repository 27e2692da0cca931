package dev.switchboard.memory.rest;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.result;
import static dev.switchboard.memory.TestEvents.turn;
import static dev.switchboard.memory.TestEvents.usage;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;


import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.SessionState;
import dev.switchboard.memory.streams.TopologyProducer;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroSerializer;
import dev.switchboard.testkit.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The running service on a real broker: events in on the three source topics, state out over HTTP. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class SessionResourceTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "quarkus.kafka-streams.topics")
    List<String> configuredTopics;

    @Test
    void servesTheStateOfOneExchange() {
        String session = "s-" + UUID.randomUUID();
        try (KafkaProducer<String, SpecificRecord> producer = producer()) {
            send(producer, Topics.TURNS_CLEARED, session, turn(session, "t-1", "where is my order?", T0));
            send(producer, Topics.AGENT_RESULTS_CLEARED, session,
                    result(session, "t-1", "concierge", usage(120, 30, 2), T0.plusSeconds(1)));
            send(producer, Topics.REPLIES_OUTBOUND, session,
                    reply(session, "t-1", "concierge", "it ships tomorrow", T0.plusSeconds(2)));
        }

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .get("/v1/sessions/{id}", session)
                .then()
                .statusCode(200)
                .body("replies", is(1))
                .body("activeAgent", is("concierge")));

        given().get("/v1/sessions/{id}", session)
                .then()
                .statusCode(200)
                .body("sessionId", is(session))
                .body("tenant", is("acme"))
                .body("user", is("user-42"))
                .body("turns", is(1))
                .body("replies", is(1))
                .body("usage.inputTokens", is(120))
                .body("usage.outputTokens", is(30))
                .body("usage.iterations", is(2))
                .body("lastChannel", is("webchat"))
                .body("lastTurnId", is("t-1"))
                .body("updatedAt", is("2026-01-01T10:00:02Z"))
                .body("recent.role", contains("USER", "AGENT"))
                .body("recent.text", contains("where is my order?", "it ships tomorrow"))
                .body("recent.agent", contains(nullValue(), equalTo("concierge")))
                .body("recent.turnId", contains("t-1", "t-1"))
                .body("recent[0].at", is("2026-01-01T10:00:00Z"));

        SessionState published = awaitPublishedState(session);
        assertThat(published.getRecent()).hasSize(2);
        assertThat(published.getUsage().getInputTokens()).isEqualTo(120);
    }

    @Test
    void servesTheFactsOfTheUsersMessages() {
        String session = "s-" + UUID.randomUUID();
        try (KafkaProducer<String, SpecificRecord> producer = producer()) {
            send(producer, Topics.TURNS_CLEARED, session,
                    turn(session, "t-1", "My name is Anna, invoice INV-778 is wrong. Mail [EMAIL:3f9a0c1d2e4b]", T0));
            send(producer, Topics.TURNS_CLEARED, session, turn(session, "t-2", "please answer in German", T0.plusSeconds(1)));
        }

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .get("/v1/sessions/{id}", session)
                .then()
                .statusCode(200)
                .body("turns", is(2))
                .body("facts.name", is("Anna"))
                .body("facts.order", is("INV-778"))
                .body("facts.email", is("[EMAIL:3f9a0c1d2e4b]"))
                .body("facts.language", is("German"))
                .body("facts.size()", is(4))
                // both messages still fit the recent window
                .body("summary", nullValue()));
    }

    @Test
    void unknownSessionIsNotFound() {
        await().atMost(WAIT).untilAsserted(() -> given()
                .get("/v1/sessions/{id}", "never-seen-" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .body("error", is("session-not-found")));
    }

    @Test
    void waitsForTheSourceTopicsOfTheCatalog() {
        assertThat(configuredTopics).containsExactlyElementsOf(
                TopologyProducer.SOURCES.stream().map(Topic::name).toList());
        assertThat(configuredTopics).containsExactly(Topics.TURNS_CLEARED.name(),
                Topics.AGENT_RESULTS_CLEARED.name(), Topics.REPLIES_OUTBOUND.name(), Topics.ERASURES.name());
    }

    /** The session's latest committed state on the compacted sessions.state topic, once it has the reply. */
    private SessionState awaitPublishedState(String session) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Topic<String, SessionState> topic = Topics.SESSIONS_STATE;
        try (KafkaConsumer<String, SessionState> consumer = new KafkaConsumer<>(config,
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(topic.name(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            AtomicReference<SessionState> latest = new AtomicReference<>();
            await().atMost(WAIT).until(() -> {
                for (ConsumerRecord<String, SessionState> record : consumer.poll(Duration.ofMillis(200))) {
                    if (session.equals(record.key())) {
                        latest.set(record.value());
                    }
                }
                return latest.get() != null && latest.get().getReplies() == 1;
            });
            return latest.get();
        }
    }

    private KafkaProducer<String, SpecificRecord> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new AvroSerializer());
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, Topic<String, ?> topic, String key,
            SpecificRecord value) {
        producer.send(new ProducerRecord<>(topic.name(), key, value));
    }
}
