package dev.switchboard.schemas;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic of the catalog: its name, how its keys and values are serialized, and how the
 * broker keeps it. Code and tests refer to topics only through {@link Topics}, never by a literal name.
 *
 * @param name        the topic name
 * @param keySerde    serde of the record key (the session id on every turn-scoped topic)
 * @param valueSerde  serde of the record value
 * @param cleanup     whether the broker deletes old segments or compacts by key
 * @param partitions  partitions when no count is configured; topics keyed by session id share one count
 *                    so that they stay co-partitioned for joins
 * @param retention   how long the broker keeps records, or null for the broker's default; short for topics
 *                    that hold personal data before compliance has redacted it
 */
public record Topic<K, V>(String name, Serde<K> keySerde, Serde<V> valueSerde, Cleanup cleanup, int partitions,
        Duration retention) {

    /** How the broker keeps a topic's records. */
    public enum Cleanup {
        /** Keep records for the retention period. */
        DELETE(TopicConfig.CLEANUP_POLICY_DELETE),
        /** Keep the latest record per key: the topic is a table. */
        COMPACT(TopicConfig.CLEANUP_POLICY_COMPACT),
        /** Keep the latest record per key, and no record older than the retention: a table of leases. */
        COMPACT_DELETE(TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE);

        private final String policy;

        Cleanup(String policy) {
            this.policy = policy;
        }

        /** The value of the broker's {@code cleanup.policy} topic config. */
        public String policy() {
            return policy;
        }
    }

    /** A topic kept for the broker's default retention. */
    public Topic(String name, Serde<K> keySerde, Serde<V> valueSerde, Cleanup cleanup, int partitions) {
        this(name, keySerde, valueSerde, cleanup, partitions, null);
    }

    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(cleanup, "cleanup");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
        }
    }

    /** Segment size of a compacted topic (64 MiB), so that overwritten values are cleaned soon. */
    public static final int COMPACTED_SEGMENT_BYTES = 64 * 1024 * 1024;
    /** Segment age of a compacted topic (1 hour), for the same reason on a quiet topic. */
    public static final long COMPACTED_SEGMENT_MS = Duration.ofHours(1).toMillis();

    /** The broker-side configs this topic is created with. */
    public Map<String, String> configs() {
        Map<String, String> configs = new HashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanup.policy());
        if (cleanup != Cleanup.DELETE) {
            // The log cleaner never touches the active segment: with the broker's default (1 GiB or 7 days) a
            // compacted topic written all the time keeps every overwritten value until the segment rolls.
            configs.put(TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(COMPACTED_SEGMENT_BYTES));
            configs.put(TopicConfig.SEGMENT_MS_CONFIG, Long.toString(COMPACTED_SEGMENT_MS));
        }
        if (retention != null) {
            configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()));
        }
        return Map.copyOf(configs);
    }

    /** This topic with another retention. */
    public Topic<K, V> withRetention(Duration retention) {
        return new Topic<>(name, keySerde, valueSerde, cleanup, partitions, retention);
    }

    @Override
    public String toString() {
        return name;
    }
}
