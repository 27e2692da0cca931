package dev.switchboard.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.switchboard.schemas.Topic;

/**
 * Writes records to a catalog topic with the catalog's serdes, as the topic's real writer would: as the super
 * user by default, or as a given principal ({@link #sendAs}) to check what that principal may write.
 */
public final class TopicWriter {

    private TopicWriter() {
    }

    /**
     * Sends one record and waits for the broker's acknowledgement; on the shared {@link EmbeddedKafka} as
     * {@code admin}.
     */
    public static <V> RecordMetadata send(String bootstrap, Topic<String, V> topic, String key, V value) {
        return send(EmbeddedKafka.clientPropertiesFor(bootstrap), topic, key, value);
    }

    /** Sends one record as a principal of the shared {@link EmbeddedKafka} ({@code gateway}, {@code agent-concierge}...). */
    public static <V> RecordMetadata sendAs(String principal, Topic<String, V> topic, String key, V value) {
        return send(EmbeddedKafka.shared().clientProperties(principal), topic, key, value);
    }

    /**
     * Sends one record with these client settings (bootstrap servers and credentials).
     *
     * @throws IllegalStateException caused by the broker's error, such as a {@code TopicAuthorizationException}
     */
    public static <V> RecordMetadata send(Map<String, ?> clientProperties, Topic<String, V> topic, String key, V value) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (var producer = new KafkaProducer<>(config, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            return producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot write to " + topic.name(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Cannot write to " + topic.name(), e);
        }
    }
}
