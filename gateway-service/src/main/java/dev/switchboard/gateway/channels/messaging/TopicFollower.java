package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.switchboard.schemas.Topic;

/**
 * Follows every partition of a topic on a thread of its own, with a plain consumer (no group, read_committed),
 * handing each record to {@code apply}: how every gateway instance keeps a local view of a small shared topic.
 * It starts from the beginning, or from a point in time; {@link #awaitCaughtUp} waits until what existed at the
 * start has been read. A failure starts it over after 5 s: {@code apply} must tolerate a record twice.
 */
final class TopicFollower<V> {

    private static final Logger LOG = Logger.getLogger(TopicFollower.class);

    private final Map<String, Object> connection;
    private final Topic<String, V> topic;
    private final Duration lookBack;
    private final BiConsumer<String, V> apply;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<String, V> consumer;
    private volatile boolean running = true;
    private Thread thread;

    /**
     * @param connection bootstrap servers and the service's credentials ({@code KafkaClientConfig#connection()})
     * @param lookBack   how far back to start reading, or null for the beginning
     */
    TopicFollower(Map<String, Object> connection, Topic<String, V> topic, Duration lookBack, BiConsumer<String, V> apply) {
        this.connection = Map.copyOf(connection);
        this.topic = topic;
        this.lookBack = lookBack;
        this.apply = apply;
    }

    void start() {
        thread = new Thread(this::follow, topic.name() + "-follower");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() {
        running = false;
        KafkaConsumer<String, V> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /** Whether the records present at the start have been read, waiting at most {@code timeout} for it. */
    boolean awaitCaughtUp(Duration timeout) {
        try {
            return thread == null || caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void follow() {
        while (running) {
            Map<String, Object> settings = new HashMap<>(connection);
            settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-gateway-" + topic.name() + "-" + UUID.randomUUID());
            settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<String, V> records = new KafkaConsumer<>(settings,
                    topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
                consumer = records;
                if (!running) {
                    return;
                }
                List<TopicPartition> partitions = records.partitionsFor(topic.name()).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                records.assign(partitions);
                seek(records, partitions);
                Map<TopicPartition, Long> ends = records.endOffsets(partitions);
                while (running) {
                    for (ConsumerRecord<String, V> record : records.poll(Duration.ofMillis(500))) {
                        if (record.key() != null) {
                            apply.accept(record.key(), record.value());
                        }
                    }
                    if (caughtUp.getCount() > 0
                            && ends.entrySet().stream().allMatch(end -> records.position(end.getKey()) >= end.getValue())) {
                        caughtUp.countDown();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Reading %s failed; starting over in 5 s", topic.name());
                try {
                    Thread.sleep(5000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void seek(KafkaConsumer<String, V> records, List<TopicPartition> partitions) {
        if (lookBack == null) {
            records.seekToBeginning(partitions);
            return;
        }
        long from = Instant.now().minus(lookBack).toEpochMilli();
        Map<TopicPartition, Long> times = new HashMap<>();
        partitions.forEach(partition -> times.put(partition, from));
        Map<TopicPartition, OffsetAndTimestamp> offsets = records.offsetsForTimes(times);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            if (offset == null) {
                records.seekToEnd(List.of(partition));
            } else {
                records.seek(partition, offset.offset());
            }
        }
    }
}
