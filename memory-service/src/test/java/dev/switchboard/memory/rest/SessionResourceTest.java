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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.SessionState;
import dev.switchboard.memory.TestEvents;
import dev.switchboard.memory.UpstreamWriter;
import dev.switchboard.memory.streams.TopologyProducer;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The running service on a real broker, connected as its own principal {@code memory}: events in on the source
 * topics (written as compliance and the supervisor), state out over HTTP to the tenant's operators and auditors.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = "memory"))
@WithTestResource(TokenTestResource.class)
class SessionResourceTest {

    static final String PATH = "/v1/tenants/{tenant}/sessions/{id}";

    private static final String TENANT = TestEvents.TENANT;
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "quarkus.kafka-streams.topics")
    List<String> configuredTopics;

    @ConfigProperty(name = "switchboard.kafka.username")
    String principal;

    @Test
    void servesTheStateOfOneExchange() {
        String session = "s-" + UUID.randomUUID();
        try (UpstreamWriter writer = new UpstreamWriter()) {
            writer.send(Topics.TURNS_CLEARED, session, turn(session, "t-1", "where is my order?", T0));
            writer.send(Topics.AGENT_RESULTS_CLEARED, session,
                    result(session, "t-1", "concierge", usage(120, 30, 2), T0.plusSeconds(1)));
            writer.send(Topics.REPLIES_OUTBOUND, session,
                    reply(session, "t-1", "concierge", "it ships tomorrow", T0.plusSeconds(2)));
        }

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .header("Authorization", TestTokens.bearer(TestTokens.operator(TENANT)))
                .get(PATH, TENANT, session)
                .then()
                .statusCode(200)
                .body("replies", is(1))
                .body("activeAgent", is("concierge")));

        given().header("Authorization", TestTokens.bearer(TestTokens.auditor(TENANT)))
                .get(PATH, TENANT, session)
                .then()
                .statusCode(200)
                .contentType("application/json")
                .body("sessionId", is(session))
                .body("tenant", is(TENANT))
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
        try (UpstreamWriter writer = new UpstreamWriter()) {
            writer.send(Topics.TURNS_CLEARED, session,
                    turn(session, "t-1", "My name is Anna, invoice INV-778 is wrong. Mail [EMAIL:3f9a0c1d2e4b]", T0));
            writer.send(Topics.TURNS_CLEARED, session, turn(session, "t-2", "please answer in German", T0.plusSeconds(1)));
        }

        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .header("Authorization", TestTokens.bearer(TestTokens.operator(TENANT)))
                .get(PATH, TENANT, session)
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
                .header("Authorization", TestTokens.bearer(TestTokens.operator(TENANT)))
                .get(PATH, TENANT, "never-seen-" + UUID.randomUUID())
                .then()
                .statusCode(404)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", is(404))
                .body("code", is("not-found")));
    }

    @Test
    void waitsForTheSourceTopicsOfTheCatalog() {
        assertThat(configuredTopics).containsExactlyElementsOf(
                TopologyProducer.SOURCES.stream().map(Topic::name).toList());
        assertThat(configuredTopics).containsExactly(Topics.TURNS_CLEARED.name(),
                Topics.AGENT_RESULTS_CLEARED.name(), Topics.REPLIES_OUTBOUND.name(), Topics.ERASURES.name());
    }

    @Test
    void connectsAsItsOwnPrincipal() {
        assertThat(principal).isEqualTo("memory");
    }

    /** The session's latest committed state on the compacted sessions.state topic, once it has the reply. */
    private SessionState awaitPublishedState(String session) {
        // read as the supervisor, the topic's reader in production; assigned partitions, so no group is needed
        Map<String, Object> config = new HashMap<>(EmbeddedKafka.shared().clientProperties("supervisor"));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
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
}
