package dev.switchboard.compliance.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.events.AuditAnchor;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;

/**
 * Reads the latest anchors of tenants' chains from {@code audit.anchors} (compacted, key = the chain,
 * {@code tenant/partition}; every chain of a tenant in the one partition of the topic that the tenant's name hashes
 * to, {@link #partitionFor}): assigns that partition, reads it from its start to its end and keeps the last value per
 * key. Joins no consumer group and commits nothing, so the command-line verification can use it next to the running
 * service. Writes nothing.
 */
@ApplicationScoped
public class AnchorReader {

    /** The anchors topic could not be read: the anchor was not checked. */
    public static final class AnchorsUnavailableException extends RuntimeException {
        AnchorsUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaClientConfig kafka;
    private final Duration timeout;

    AnchorReader(KafkaClientConfig kafka,
            @ConfigProperty(name = "switchboard.compliance.anchors.read-timeout", defaultValue = "10s") Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    /**
     * The latest anchors of one partition of the topic.
     *
     * @param partition  the partition read
     * @param partitions how many partitions the topic has
     * @param latest     the latest anchor of every chain whose tenant's anchors are in that partition
     */
    public record Partition(int partition, int partitions, Map<ChainKey, AuditAnchor> latest) {

        /** The latest anchor of each of the tenant's chains, by partition. */
        public SortedMap<Integer, AuditAnchor> of(String tenant) {
            SortedMap<Integer, AuditAnchor> chains = new TreeMap<>();
            latest.forEach((chain, anchor) -> {
                if (chain.tenant().equals(tenant)) {
                    chains.put(chain.partition(), anchor);
                }
            });
            return chains;
        }
    }

    /** The latest anchor of each of the tenant's chains, by partition; empty when none was ever published for it. */
    public SortedMap<Integer, AuditAnchor> latest(String tenant) {
        return partitionOf(tenant).of(tenant);
    }

    /** The chain's latest anchor, or empty when none was ever published for it. */
    public Optional<AuditAnchor> latest(ChainKey chain) {
        return Optional.ofNullable(latest(chain.tenant()).get(chain.partition()));
    }

    /**
     * The latest anchor of every chain whose tenant shares the partition of {@code tenant}: one read serves every
     * tenant of that partition. An anchor published while its tenant had one chain (key = the tenant) is its chain
     * {@value ChainKey#LEGACY}'s, unless that chain has a later one.
     *
     * @throws AnchorsUnavailableException when the topic cannot be read within the timeout
     */
    public Partition partitionOf(String tenant) {
        Map<ChainKey, AuditAnchor> latest = new HashMap<>();
        try (KafkaConsumer<String, AuditAnchor> consumer = new KafkaConsumer<>(kafka.with(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-anchors-reader")),
                Topics.AUDIT_ANCHORS.keySerde().deserializer(), Topics.AUDIT_ANCHORS.valueSerde().deserializer())) {
            List<PartitionInfo> partitions = consumer.partitionsFor(Topics.AUDIT_ANCHORS.name(), timeout);
            if (partitions == null || partitions.isEmpty()) {
                throw new AnchorsUnavailableException(Topics.AUDIT_ANCHORS.name() + " does not exist", null);
            }
            int number = partitionFor(tenant, partitions.size());
            TopicPartition partition = new TopicPartition(Topics.AUDIT_ANCHORS.name(), number);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (consumer.position(partition, timeout) < end) {
                if (System.nanoTime() > deadline) {
                    throw new AnchorsUnavailableException(Topics.AUDIT_ANCHORS.name() + " was not read to its end within "
                            + timeout, null);
                }
                for (ConsumerRecord<String, AuditAnchor> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null || record.value() == null) {
                        continue;
                    }
                    // Chain 0 may have an anchor under the tenant's old key too: the further one is its latest.
                    latest.merge(ChainKey.ofAnchorKey(record.key()), record.value(),
                            (a, b) -> b.getChainSeq() >= a.getChainSeq() ? b : a);
                }
            }
            return new Partition(number, partitions.size(), Map.copyOf(latest));
        } catch (KafkaException e) {
            throw new AnchorsUnavailableException(Topics.AUDIT_ANCHORS.name() + " could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * The partition of the topic that holds the anchors of every chain of a tenant: the one the producer's default
     * partitioner gives the tenant's name (where the anchors published while a tenant had one chain, keyed by it, are).
     */
    public static int partitionFor(String tenant, int partitions) {
        return Utils.toPositive(Utils.murmur2(tenant.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
