package dev.switchboard.gateway.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.switchboard.runtime.kafka.DeadLetterPublisher;
import dev.switchboard.schemas.Topic;

/**
 * Follows a topic (every partition, or one) on a thread of its own, with a plain consumer (no group, so no
 * rebalances; read_committed), handing each record to {@code apply}: how a gateway instance keeps a local view of a
 * small shared topic, or reads the one partition that is its own. It starts from the beginning, from a point in
 * time, or from the end; {@link #awaitCaughtUp} waits until what existed at the start has been read (from the end:
 * until the position is fixed, after which nothing written is missed). A failure starts the consumer over after
 * 5 s from where it had got to, so nothing is skipped; {@code apply} must tolerate a record twice. A record that
 * does not decode goes to {@code deadletters} (the runtime's {@link DeadLetterPublisher}) and is skipped; a follower
 * has no group, so it dead-letters such a record each time it reads it (at every start).
 */
public final class TopicFollower<V> {

    private static final Logger LOG = Logger.getLogger(TopicFollower.class);

    /** Where a follower starts reading. */
    public sealed interface Start permits Beginning, LookBack, End {
    }

    /** From the oldest record kept. */
    public record Beginning() implements Start {
    }

    /** From the first record written at most {@code duration} ago. */
    public record LookBack(Duration duration) implements Start {
    }

    /** From the end: only records written after the follower started. */
    public record End() implements Start {
    }

    private final Map<String, Object> connection;
    private final Topic<String, V> topic;
    private final Integer partition;
    private final Start start;
    private final BiConsumer<String, V> apply;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private volatile KafkaConsumer<String, V> consumer;
    private final DeadLetterPublisher deadLetters;
    private volatile boolean running = true;
    private Thread thread;

    /**
     * Follows every partition of {@code topic}.
     *
     * @param connection bootstrap servers and the service's credentials ({@code KafkaClientConfig#connection()})
     * @param lookBack   how far back to start reading, or null for the beginning
     */
    public TopicFollower(Map<String, Object> connection, Topic<String, V> topic, Duration lookBack,
            BiConsumer<String, V> apply) {
        this(connection, topic, null, lookBack == null ? new Beginning() : new LookBack(lookBack), apply);
    }

    /**
     * @param partition the one partition to read, or null for every partition
     */
    public TopicFollower(Map<String, Object> connection, Topic<String, V> topic, Integer partition, Start start,
            BiConsumer<String, V> apply) {
        this.connection = Map.copyOf(connection);
        this.deadLetters = new DeadLetterPublisher(connection, "gateway-service");
        this.topic = topic;
        this.partition = partition;
        this.start = start;
        this.apply = apply;
    }

    public void start() {
        thread = new Thread(this::follow, topic.name() + "-follower");
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() {
        running = false;
        KafkaConsumer<String, V> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        deadLetters.close();
    }

    /** Whether the records present at the start have been read, waiting at most {@code timeout} for it. */
    public boolean awaitCaughtUp(Duration timeout) {
        try {
            return thread == null || caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Whether the records present at the start have been read (from the end: whether the position is fixed). */
    public boolean caughtUp() {
        return caughtUp.getCount() == 0;
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
                        .filter(info -> partition == null || info.partition() == partition)
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new IllegalStateException(topic.name() + " has no partition " + partition);
                }
                records.assign(partitions);
                seek(records, partitions);
                Map<TopicPartition, Long> ends = records.endOffsets(partitions);
                while (running) {
                    poll(records);
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

    private void poll(KafkaConsumer<String, V> records) {
        try {
            ConsumerRecords<String, V> polled = records.poll(Duration.ofMillis(500));
            for (ConsumerRecord<String, V> record : polled) {
                if (record.key() != null) {
                    apply.accept(record.key(), record.value());
                }
            }
            polled.partitions().forEach(partition -> positions.put(partition, records.position(partition)));
        } catch (RecordDeserializationException e) {
            deadLetters.undecodable(topic.name() + "-follower", e);
            records.seek(e.topicPartition(), e.offset() + 1);
            positions.put(e.topicPartition(), e.offset() + 1);
        }
    }

    private void seek(KafkaConsumer<String, V> records, List<TopicPartition> partitions) {
        if (!positions.isEmpty()) {
            // Starting over after a failure: go on from where the previous consumer got to.
            for (TopicPartition each : partitions) {
                Long position = positions.get(each);
                if (position != null) {
                    records.seek(each, position);
                } else {
                    seekFromStart(records, List.of(each));
                }
            }
            return;
        }
        seekFromStart(records, partitions);
    }

    private void seekFromStart(KafkaConsumer<String, V> records, List<TopicPartition> partitions) {
        if (start instanceof Beginning) {
            records.seekToBeginning(partitions);
        } else if (start instanceof End) {
            records.seekToEnd(partitions);
            // Fix the position now (seekToEnd is lazy) and remember it, so that a restart does not skip ahead.
            partitions.forEach(each -> positions.put(each, records.position(each)));
        } else if (start instanceof LookBack lookBack) {
            long from = Instant.now().minus(lookBack.duration()).toEpochMilli();
            Map<TopicPartition, Long> times = new HashMap<>();
            partitions.forEach(each -> times.put(each, from));
            Map<TopicPartition, OffsetAndTimestamp> offsets = records.offsetsForTimes(times);
            for (TopicPartition each : partitions) {
                OffsetAndTimestamp offset = offsets.get(each);
                if (offset == null) {
                    records.seekToEnd(List.of(each));
                } else {
                    records.seek(each, offset.offset());
                }
            }
        }
    }
}
