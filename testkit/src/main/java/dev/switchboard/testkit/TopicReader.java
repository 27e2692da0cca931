package dev.switchboard.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;

import dev.switchboard.schemas.Topic;

/**
 * Reads a catalog topic from its beginning with a plain consumer (no group, {@code read_committed}) and
 * the catalog's serdes, the way any other service sees what was written: as the super user by default, or
 * as a given principal ({@link #fromBeginningAs}).
 */
public final class TopicReader<V> implements AutoCloseable {

    private final KafkaConsumer<String, V> consumer;

    private TopicReader(KafkaConsumer<String, V> consumer) {
        this.consumer = consumer;
    }

    /** Reads from the beginning; on the shared {@link EmbeddedKafka} as {@code admin}. */
    public static <V> TopicReader<V> fromBeginning(String bootstrap, Topic<String, V> topic) {
        return fromBeginning(EmbeddedKafka.clientPropertiesFor(bootstrap), topic);
    }

    /** Reads from the beginning as a principal of the shared {@link EmbeddedKafka} ({@code memory}, ...). */
    public static <V> TopicReader<V> fromBeginningAs(String principal, Topic<String, V> topic) {
        return fromBeginning(EmbeddedKafka.shared().clientProperties(principal), topic);
    }

    /**
     * Reads from the beginning with these client settings (bootstrap servers and credentials), committed records
     * only unless the settings name another {@code isolation.level}.
     *
     * @throws org.apache.kafka.common.errors.TopicAuthorizationException when they may not read the topic
     */
    public static <V> TopicReader<V> fromBeginning(Map<String, ?> clientProperties, Topic<String, V> topic) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config,
                topic.keySerde().deserializer(), topic.valueSerde().deserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            return new TopicReader<>(consumer);
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
    }

    /** The first record with this key that satisfies the condition, or fails after the timeout. */
    public ConsumerRecord<String, V> first(String key, Predicate<V> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, V> record : poll()) {
                if (key.equals(record.key()) && condition.test(record.value())) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record with key " + key + " within " + timeout);
    }

    /**
     * The records with this key, in order, as soon as they satisfy {@code done}; fails after the timeout
     * with what was read.
     */
    public List<ConsumerRecord<String, V>> until(String key, Predicate<List<ConsumerRecord<String, V>>> done,
            Duration timeout) {
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("records with key " + key + " still not as expected after " + timeout
                        + "; read " + records.size() + ": " + records.stream().map(ConsumerRecord::value).toList());
            }
            for (ConsumerRecord<String, V> record : poll()) {
                if (key.equals(record.key())) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    /** The values of the first {@code count} records with this key. */
    public List<V> values(String key, int count, Duration timeout) {
        return until(key, records -> records.size() >= count, timeout).stream()
                .limit(count).map(ConsumerRecord::value).toList();
    }

    /** The first record with this key. */
    public ConsumerRecord<String, V> first(String key, Duration timeout) {
        return first(key, value -> true, timeout);
    }

    /**
     * The next records; a record that does not decode (a poison record a fault test wrote) is passed over, as the
     * services dead-letter it: no test looks for one.
     */
    private Iterable<ConsumerRecord<String, V>> poll() {
        try {
            return consumer.poll(Duration.ofMillis(200));
        } catch (RecordDeserializationException e) {
            consumer.seek(e.topicPartition(), e.offset() + 1);
            return List.of();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
