package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.AgentRunnerTest;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class AgentTaskConsumerIT {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void channelsUseTheCatalogTopics() {
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.incoming." + AgentTaskConsumer.TASKS + ".topics", String.class))
                .isEqualTo(Topics.agentTasks("concierge").name());
        assertThat(config.getValue("mp.messaging.outgoing." + AgentTaskConsumer.RESULTS + ".topic", String.class))
                .isEqualTo(Topics.AGENT_RESULTS_RAW.name());
    }

    @Test
    void answersATaskFromTheBrokerWithOneResultKeyedBySession() throws Exception {
        String session = UUID.randomUUID().toString();
        AgentTask template = AgentRunnerTest.task("concierge", "hello from " + session, 3, 1000);
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTenant("acme").setSessionId(session).setTurnId("t1")
                .setPrincipal(template.getEnvelope().getPrincipal()).setChannel("webchat")
                .setOccurredAt(template.getEnvelope().getOccurredAt()).build();
        template.setEnvelope(envelope);
        Topic<String, AgentTask> tasks = Topics.agentTasks("concierge");
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                tasks.keySerde().serializer(), tasks.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(tasks.name(), session, template)).get();
        }
        Topic<String, AgentResult> results = Topics.AGENT_RESULTS_RAW;
        try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "it-" + session, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                results.keySerde().deserializer(), results.valueSerde().deserializer())) {
            consumer.subscribe(List.of(results.name()));
            AgentResult found = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (found == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, AgentResult> record : consumer.poll(Duration.ofMillis(300))) {
                    if (record.key().equals(session)) {
                        found = record.value();
                    }
                }
            }
            assertThat(found).as("result for session " + session).isNotNull();
            assertThat(found.getOutcome()).isEqualTo(Outcome.REPLY);
            assertThat(found.getReply()).contains("hello from " + session);
            assertThat(found.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        }
    }
}
