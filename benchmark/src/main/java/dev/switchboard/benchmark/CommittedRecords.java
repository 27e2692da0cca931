package dev.switchboard.benchmark;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what was committed to some partitions, as the benchmark's after-the-fact readers (hop trace, soak) do. */
public final class CommittedRecords {

    private CommittedRecords() {
    }

    /** A {@code read_committed} consumer of raw bytes, without a group or offset commits. */
    public static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> kafka) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Hands {@code each} every committed record of the partitions from {@code from} (a partition it lacks: from the
     * beginning) up to their end offsets as of the call, reading for at most {@code limit}.
     */
    public static void read(Map<String, Object> kafka, List<TopicPartition> partitions, Map<TopicPartition, Long> from,
            Duration limit, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.stream().filter(from::containsKey)
                    .forEach(partition -> consumer.seek(partition, from.get(partition)));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + limit.toNanos();
            while (System.nanoTime() < deadline
                    && ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}
