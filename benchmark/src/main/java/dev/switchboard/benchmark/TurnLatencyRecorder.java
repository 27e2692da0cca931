package dev.switchboard.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Times each turn on the broker, the same way for Switchboard and for the bare-hop floor: it reads the
 * first topic of the path (Switchboard: {@code turns.raw}) and the last (Switchboard:
 * {@code replies.outbound}) with one {@code read_committed} consumer, and joins the two records of a
 * turn by its id.
 *
 * <p>A turn starts at its first record's timestamp: the producer's send time (the gateway's, once it has
 * accepted the request). It ends when its last record is visible to a {@code read_committed} reader:
 * that is when a gateway can deliver the reply, and it includes the wait for the last transaction to
 * commit. The last writer's own send time is kept too ("produced"): for Switchboard the reply
 * envelope's {@code occurredAt} (Kafka Streams gives an output record its input record's timestamp, so
 * the record timestamp of a reply is not the supervisor's), for the floor the last record's timestamp.
 * Every clock read is this machine's wall clock.
 *
 * <p>The consumer connects with the settings it is given (the stack's SASL/SCRAM settings for {@code admin}).
 */
final class TurnLatencyRecorder implements AutoCloseable {

    /** Reads a turn id from the first record of a turn. */
    @FunctionalInterface
    interface StartReader {
        String turnId(ConsumerRecord<byte[], byte[]> record);
    }

    /** Reads a turn id and the last writer's send time (epoch ms) from the last record of a turn. */
    @FunctionalInterface
    interface EndReader {
        End read(ConsumerRecord<byte[], byte[]> record);
    }

    record End(String turnId, long producedAtMillis) {
    }

    /** The turns whose first record falls in [from, to), and the last records visible in that interval. */
    static final class Step {
        final long fromMillis;
        final long toMillis;
        final Histogram visible = new Histogram(3_600_000L, 3);
        final Histogram produced = new Histogram(3_600_000L, 3);
        long started;
        long answered;
        long endsVisibleInWindow;

        Step(long fromMillis, long toMillis) {
            this.fromMillis = fromMillis;
            this.toMillis = toMillis;
        }

        boolean covers(long millis) {
            return millis >= fromMillis && millis < toMillis;
        }
    }

    private final String startTopic;
    private final String endTopic;
    private final StartReader starts;
    private final EndReader ends;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread poller;
    private final Map<String, Long> startedAt = new HashMap<>();
    private final Map<String, long[]> endedEarly = new HashMap<>();
    private Step step;
    private long totalStarts;
    private long totalEnds;
    private volatile boolean running = true;
    private String lastFailure;

    TurnLatencyRecorder(String name, Map<String, Object> connection, String startTopic, String endTopic, StartReader starts,
            EndReader ends) {
        this.startTopic = startTopic;
        this.endTopic = endTopic;
        this.starts = starts;
        this.ends = ends;
        Properties config = new Properties();
        config.putAll(connection);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(startTopic, endTopic)) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        // Assigned, not subscribed: no group, no rebalance, and only what is written from now on.
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        this.poller = new Thread(this::pollLoop, "latency-" + name);
        this.poller.setDaemon(true);
        this.poller.start();
    }

    private void pollLoop() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                synchronized (this) {
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        try {
                            if (record.topic().equals(startTopic)) {
                                onStart(starts.turnId(record), record.timestamp());
                            } else if (record.topic().equals(endTopic)) {
                                End end = ends.read(record);
                                onEnd(end.turnId(), end.producedAtMillis(), now);
                            }
                        } catch (RuntimeException unreadable) {
                            if (unreadable.getMessage() != null && unreadable.getMessage().equals(lastFailure)) {
                                continue;
                            }
                            lastFailure = unreadable.getMessage();
                            System.err.println("Cannot read a record of " + record.topic() + ": " + unreadable);
                        }
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the poll up
        } finally {
            consumer.close();
        }
    }

    private void onStart(String turnId, long startMillis) {
        totalStarts++;
        long[] end = endedEarly.remove(turnId);
        if (end != null) {
            record(startMillis, end[0], end[1]);
        } else {
            startedAt.put(turnId, startMillis);
        }
        if (step != null && step.covers(startMillis)) {
            step.started++;
        }
    }

    private void onEnd(String turnId, long producedMillis, long visibleMillis) {
        totalEnds++;
        if (step != null && step.covers(visibleMillis)) {
            step.endsVisibleInWindow++;
        }
        Long startMillis = startedAt.remove(turnId);
        if (startMillis == null) {
            // Polls of two topics may hand over a reply before its turn.
            endedEarly.put(turnId, new long[] {producedMillis, visibleMillis});
        } else {
            record(startMillis, producedMillis, visibleMillis);
        }
    }

    private void record(long startMillis, long producedMillis, long visibleMillis) {
        if (step == null || !step.covers(startMillis)) {
            return;
        }
        step.answered++;
        step.visible.recordValue(Math.max(0, visibleMillis - startMillis));
        step.produced.recordValue(Math.max(0, producedMillis - startMillis));
    }

    /** Starts counting the turns whose first record is stamped within [from, to); forgets earlier turns. */
    synchronized Step beginStep(long fromMillis, long toMillis) {
        startedAt.clear();
        endedEarly.clear();
        step = new Step(fromMillis, toMillis);
        return step;
    }

    /** Turns of the step seen starting and not answered yet. */
    synchronized long pending(Step of) {
        return of.started - of.answered;
    }

    /** Every first record seen minus every last record seen: the backlog of the whole path. */
    synchronized long backlog() {
        return totalStarts - totalEnds;
    }

    /** Stops counting; the step's numbers are final from here on. */
    synchronized void endStep() {
        step = null;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        poller.join(5000);
    }
}
