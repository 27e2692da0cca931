package dev.switchboard.memory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroSerializer;
import dev.switchboard.testkit.EmbeddedKafka;

/**
 * Writes the memory topology's source topics on the embedded broker as the service that writes each of them in
 * production ({@code compliance} for the cleared topics and erasures, {@code supervisor} for
 * {@code replies.outbound}), so the tests run under the same ACLs as the real system.
 */
public final class UpstreamWriter implements AutoCloseable {

    private final Map<String, KafkaProducer<String, SpecificRecord>> producers = new HashMap<>();

    /** The broker principal that writes {@code topic} in production. */
    public static String writerOf(Topic<String, ?> topic) {
        return topic.name().equals(Topics.REPLIES_OUTBOUND.name()) ? "supervisor" : "compliance";
    }

    /** Sends and waits for the broker's acknowledgement. */
    public RecordMetadata send(Topic<String, ?> topic, String key, SpecificRecord value) {
        try {
            return producer(writerOf(topic)).send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic.name(), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot send to " + topic.name(), e.getCause());
        }
    }

    private KafkaProducer<String, SpecificRecord> producer(String principal) {
        return producers.computeIfAbsent(principal, name -> {
            Map<String, Object> config = new HashMap<>(EmbeddedKafka.shared().clientProperties(name));
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            return new KafkaProducer<>(config, new StringSerializer(), new AvroSerializer());
        });
    }

    @Override
    public void close() {
        producers.values().forEach(KafkaProducer::close);
    }
}
