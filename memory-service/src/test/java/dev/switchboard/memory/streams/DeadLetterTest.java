package dev.switchboard.memory.streams;

import static dev.switchboard.memory.TestEvents.turn;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.memory.TestEvents;
import dev.switchboard.memory.UpstreamWriter;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The runtime's failure policy in a running Streams service: a record that does not decode goes to
 * {@code deadletters} as it was read, with its reason and source in headers, and the session's next event is folded
 * as if nothing had happened (the stream thread neither stops nor skips it).
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = "memory"))
@WithTestResource(TokenTestResource.class)
class DeadLetterTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void anUndecodableRecordIsDeadLetteredWithItsSourceAndTheNextEventIsFolded() throws Exception {
        String session = "poisoned-" + UUID.randomUUID();
        byte[] poison = "not an event at all".getBytes(StandardCharsets.UTF_8);
        // Written as compliance, the topic's one writer: the broker would refuse anyone else.
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                EmbeddedKafka.shared().clientProperties("compliance"), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.TURNS_CLEARED.name(), session, poison)).get();
        }
        try (UpstreamWriter writer = new UpstreamWriter()) {
            writer.send(Topics.TURNS_CLEARED, session, turn(session, "t-1", "still there?", Instant.now()));
        }

        try (TopicReader<byte[]> deadLetters = TopicReader.fromBeginning(bootstrap, Topics.DEAD_LETTERS)) {
            ConsumerRecord<String, byte[]> dead = deadLetters.first(session, WAIT);
            assertThat(dead.value()).isEqualTo(poison);
            assertThat(header(dead, "dead-letter-topic")).isEqualTo(Topics.TURNS_CLEARED.name());
            assertThat(header(dead, "dead-letter-application")).isEqualTo("switchboard-memory");
            assertThat(header(dead, "dead-letter-reason")).startsWith("does not decode");
            assertThat(header(dead, "dead-letter-offset")).matches("[0-9]+");
            assertThat(header(dead, "dead-letter-stack")).contains("Exception");
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> given()
                .header("Authorization", TestTokens.bearer(TestTokens.operator(TestEvents.TENANT)))
                .get("/v1/tenants/{tenant}/sessions/{id}", TestEvents.TENANT, session)
                .then().statusCode(200).body("turns", equalTo(1)));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        assertThat(header).as(name).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
