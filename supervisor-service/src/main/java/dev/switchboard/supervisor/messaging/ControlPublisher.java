package dev.switchboard.supervisor.messaging;

import java.nio.charset.StandardCharsets;
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

import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;

/**
 * Publishes operator instructions for the supervisor's own topology: tenant policies to
 * {@code supervisor.policies} and session controls to {@code sessions.control}. The HTTP call returns once
 * the broker has the record (acks=all, idempotent); the topology applies it in order with everything else.
 * Records are encoded with the catalog's serdes, exactly as the topology reads them. The producer connects as
 * the service's own broker principal ({@link KafkaClientConfig}).
 */
@ApplicationScoped
public class ControlPublisher {

    /**
     * Header naming the verified caller who published a policy record. A policy's {@code updatedBy} says the
     * same; a tombstone (a removed policy) has no value, so the header is the only place it can say who.
     */
    public static final String ACTOR_HEADER = "switchboard-actor";

    private static final long ACK_TIMEOUT_SECONDS = 10;

    private final KafkaProducer<String, byte[]> producer;

    ControlPublisher(KafkaClientConfig kafka) {
        this.producer = new KafkaProducer<>(kafka.with(Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.CLIENT_ID_CONFIG, "switchboard-supervisor-control")),
                new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Publishes a tenant's policy; null removes it (a tombstone), so its configuration applies again.
     *
     * @param actor the verified caller, recorded in the {@value #ACTOR_HEADER} header
     */
    public void policy(String tenant, SupervisorPolicy policy, String actor) {
        String topic = Topics.SUPERVISOR_POLICIES.name();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, tenant,
                Topics.SUPERVISOR_POLICIES.valueSerde().serializer().serialize(topic, policy));
        record.headers().add(ACTOR_HEADER, actor.getBytes(StandardCharsets.UTF_8));
        send(record);
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
