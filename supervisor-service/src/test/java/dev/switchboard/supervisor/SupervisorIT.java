package dev.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The packaged topology against a real broker, with exactly-once processing. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class SupervisorIT {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void routesAClearedTurnToTheDefaultAgentsTaskTopic() throws Exception {
        String session = UUID.randomUUID().toString();
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("acme")
                .setSessionId(session).setTurnId("t1").setPrincipal(new Principal("acme", "bob"))
                .setChannel("webchat").setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                Topics.TURNS_CLEARED.keySerde().serializer(), Topics.TURNS_CLEARED.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.TURNS_CLEARED.name(), session,
                    new TurnReceived(envelope, null, "hello"))).get();
        }
        Topic<String, AgentTask> tasks = Topics.agentTasks("concierge");
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + session, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                tasks.keySerde().deserializer(), tasks.valueSerde().deserializer())) {
            consumer.subscribe(List.of(tasks.name()));
            AgentTask found = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (found == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, AgentTask> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key().equals(session)) {
                        found = record.value();
                    }
                }
            }
            assertThat(found).as("task for session " + session).isNotNull();
            assertThat(found.getText()).isEqualTo("hello");
            assertThat(found.getEnvelope().getPrincipal().getUser()).isEqualTo("bob");
        }
    }
}
