package dev.switchboard.supervisor.messaging;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.schemas.Topics;

/**
 * Publishes operator instructions for the supervisor's own topology: tenant policies to
 * {@code supervisor.policies} and session controls to {@code sessions.control}. The HTTP call returns once
 * the broker has the record (acks=all, idempotent); the topology applies it in order with everything else.
 * Records are encoded with the catalog's serdes, exactly as the topology reads them.
 */
@ApplicationScoped
public class ControlPublisher {

    private static final long ACK_TIMEOUT_SECONDS = 10;

    private final KafkaProducer<String, byte[]> producer;

    ControlPublisher(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "switchboard-supervisor-control"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Publishes a tenant's policy; null removes it (a tombstone), so its configuration applies again. */
    public void policy(String tenant, SupervisorPolicy policy) {
        String topic = Topics.SUPERVISOR_POLICIES.name();
        send(new ProducerRecord<>(topic, tenant, Topics.SUPERVISOR_POLICIES.valueSerde().serializer().serialize(topic, policy)));
    }

    public void control(SessionControl control) {
        String topic = Topics.SESSIONS_CONTROL.name();
        send(new ProducerRecord<>(topic, control.getSessionId(),
                Topics.SESSIONS_CONTROL.valueSerde().serializer().serialize(topic, control)));
    }

    private void send(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing to " + record.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish to " + record.topic() + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
