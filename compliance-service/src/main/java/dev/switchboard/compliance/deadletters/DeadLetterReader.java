package dev.switchboard.compliance.deadletters;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroDeserializer;

/**
 * Reads {@code deadletters} for operators: a page of one tenant's dead letters, or one dead letter by its position.
 * Assigns partitions and seeks (no consumer group, nothing committed), reads with {@code read_committed}, connects
 * as the service's principal ({@link KafkaClientConfig}), writes nothing.
 *
 * <p>A page merges the partitions by record time, oldest first (newest last), from a position (the next offset of
 * each partition, as the previous page returned it) up to the end each partition had when the request began. A
 * request reads at most {@code switchboard.compliance.dead-letters.scan-limit} records, the tenant's and others': a
 * page can come back short, with {@code end} false, and the next request goes on from where this one stopped.
 */
@ApplicationScoped
public class DeadLetterReader {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaClientConfig kafka;
    private final int scanLimit;

    DeadLetterReader(KafkaClientConfig kafka,
            @ConfigProperty(name = "switchboard.compliance.dead-letters.scan-limit", defaultValue = "10000") int scanLimit) {
        this.kafka = kafka;
        this.scanLimit = scanLimit;
    }

    /**
     * A page of the tenant's dead letters.
     *
     * @param deadLetters the tenant's dead letters read, oldest first
     * @param next        where the next page starts: the next offset of each partition, by partition
     * @param end         whether every partition was read to its end (a next page holds only newer dead letters)
     * @param scanned     how many records were read, of any tenant
     */
    public record Page(List<DeadLetter> deadLetters, List<Long> next, boolean end, int scanned) {
    }

    /** The number of records one request reads at most. */
    public int scanLimit() {
        return scanLimit;
    }

    /**
     * Up to {@code limit} of the tenant's dead letters from {@code from}.
     *
     * @param from the next offset of each partition (a previous page's {@link Page#next}), or null for the beginning
     * @throws IllegalArgumentException when {@code from} does not have one offset per partition
     */
    public Page page(String tenant, List<Long> from, int limit) {
        AvroDeserializer values = new AvroDeserializer();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            if (from != null && from.size() != partitions.size()) {
                throw new IllegalArgumentException("a position has one offset per partition of "
                        + Topics.DEAD_LETTERS.name() + " (" + partitions.size() + "), this one has " + from.size());
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> first = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            long[] next = new long[partitions.size()];
            Map<TopicPartition, Deque<ConsumerRecord<byte[], byte[]>>> buffers = new HashMap<>();
            for (TopicPartition partition : partitions) {
                int p = partition.partition();
                next[p] = Math.max(from == null ? 0 : from.get(p), first.get(partition));
                consumer.seek(partition, next[p]);
                buffers.put(partition, new ArrayDeque<>());
            }
            List<DeadLetter> page = new ArrayList<>();
            int scanned = 0;
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (page.size() < limit && scanned < scanLimit) {
                List<TopicPartition> starving = partitions.stream().filter(partition -> buffers.get(partition).isEmpty()
                        && consumer.position(partition) < end.get(partition)).toList();
                if (!starving.isEmpty()) {
                    // Every partition with records left must have one at hand before the oldest can be told.
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException(Topics.DEAD_LETTERS.name() + " could not be read within " + TIMEOUT);
                    }
                    consumer.pause(partitions);
                    consumer.resume(starving);
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                        if (record.offset() < end.get(partition)) {
                            buffers.get(partition).add(record);
                        }
                    }
                    continue;
                }
                Optional<Deque<ConsumerRecord<byte[], byte[]>>> oldest = buffers.values().stream()
                        .filter(buffer -> !buffer.isEmpty())
                        .min(Comparator.comparing((Deque<ConsumerRecord<byte[], byte[]>> buffer) -> buffer.peek().timestamp())
                                .thenComparing(buffer -> buffer.peek().partition()));
                if (oldest.isEmpty()) {
                    break;
                }
                ConsumerRecord<byte[], byte[]> record = oldest.get().poll();
                next[record.partition()] = record.offset() + 1;
                scanned++;
                DeadLetter letter = DeadLetter.of(record, values);
                if (tenant.equals(letter.tenant())) {
                    page.add(letter);
                }
            }
            boolean atEnd = partitions.stream().allMatch(partition -> buffers.get(partition).isEmpty()
                    && consumer.position(partition) >= end.get(partition));
            List<Long> positions = new ArrayList<>();
            for (long offset : next) {
                positions.add(offset);
            }
            return new Page(page, positions, atEnd, scanned);
        }
    }

    /** The dead letter at this position, whatever its tenant; empty when there is none (or no longer). */
    public Optional<DeadLetter> find(int partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            if (partition >= partitions(consumer).size()) {
                return Optional.empty();
            }
            TopicPartition topicPartition = new TopicPartition(Topics.DEAD_LETTERS.name(), partition);
            List<TopicPartition> assigned = List.of(topicPartition);
            consumer.assign(assigned);
            long first = consumer.beginningOffsets(assigned, TIMEOUT).get(topicPartition);
            long end = consumer.endOffsets(assigned, TIMEOUT).get(topicPartition);
            if (offset < first || offset >= end) {
                return Optional.empty();
            }
            consumer.seek(topicPartition, offset);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(topicPartition) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(Topics.DEAD_LETTERS.name() + " could not be read within " + TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    // the first record read is at the offset, or after it when that one was aborted or a marker
                    return record.offset() == offset ? Optional.of(DeadLetter.of(record, new AvroDeserializer()))
                            : Optional.empty();
                }
            }
            return Optional.empty();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(kafka.with(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-dead-letters")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(Topics.DEAD_LETTERS.name(), TIMEOUT);
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition()))
                .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
