package dev.switchboard.benchmark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The floor a turn cannot beat on this broker: the same number of sequential topic hops as a turn
 * makes, relayed by bare kafka-clients consumers and producers that do nothing else. It writes
 * {@code bench.<mode>.hop0} (as the gateway writes {@code turns.raw}) and relays
 * {@code hop0 → hop1 → ... → hopN}, one relay thread per hop, keeping key and value, so a record lands in
 * the same partition number on every hop, as a session does.
 *
 * <p>{@link Mode#PLAIN}: {@code acks=all} producers, no transactions (the bare floor).
 * {@link Mode#EXACTLY_ONCE}: each relay reads {@code read_committed} and writes each polled batch and its
 * input offsets in one transaction ({@code sendOffsetsToTransaction}), as Switchboard's hops do.
 *
 * <p>Every client connects with the settings it is given (the stack's SASL/SCRAM settings for {@code admin}), so a
 * relay authenticates to the broker the way a service does.
 */
final class KafkaHopFloor implements AutoCloseable {

    enum Mode {
        PLAIN("plain"), EXACTLY_ONCE("eos");

        final String id;

        Mode(String id) {
            this.id = id;
        }
    }

    private final Mode mode;
    private final Map<String, Object> connection;
    private final int hops;
    private final List<Relay> relays = new ArrayList<>();
    private final KafkaProducer<String, byte[]> source;

    private KafkaHopFloor(Mode mode, Map<String, Object> connection, int hops) {
        this.mode = mode;
        this.connection = Map.copyOf(connection);
        this.hops = hops;
        Properties config = clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.source = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /**
     * Creates the floor's topics (as many partitions as the stack's) and starts one relay per hop.
     *
     * @param connection bootstrap servers and security settings of every client of the floor (a super user's, so
     *                   that it may create its topics and use its groups and transactional ids without ACLs)
     */
    static KafkaHopFloor start(Mode mode, Map<String, Object> connection, int partitions, int hops) throws Exception {
        KafkaHopFloor floor = new KafkaHopFloor(mode, connection, hops);
        try (Admin admin = Admin.create(floor.clientConfig())) {
            List<NewTopic> topics = IntStream.rangeClosed(0, hops)
                    .mapToObj(hop -> new NewTopic(floor.topic(hop), partitions, (short) 1))
                    .toList();
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        for (int hop = 0; hop < hops; hop++) {
            Relay relay = floor.new Relay(hop);
            floor.relays.add(relay);
            relay.thread.start();
        }
        for (Relay relay : floor.relays) {
            relay.ready.get(30, TimeUnit.SECONDS);
        }
        return floor;
    }

    /** A fresh copy of the connection settings, for one client to add its own to. */
    private Properties clientConfig() {
        Properties config = new Properties();
        config.putAll(connection);
        return config;
    }

    String topic(int hop) {
        return "bench." + mode.id + ".hop" + hop;
    }

    String firstTopic() {
        return topic(0);
    }

    String lastTopic() {
        return topic(hops);
    }

    Mode mode() {
        return mode;
    }

    /** Writes one turn to the first hop, keyed by its session; the value is the turn id. */
    CompletionStage<OpenLoadGenerator.Outcome> send(String sessionId, String turnId) {
        CompletableFuture<OpenLoadGenerator.Outcome> outcome = new CompletableFuture<>();
        source.send(new ProducerRecord<>(firstTopic(), sessionId, turnId.getBytes()), (metadata, failure) ->
                outcome.complete(failure == null ? OpenLoadGenerator.Outcome.ACCEPTED : OpenLoadGenerator.Outcome.REFUSED));
        return outcome;
    }

    /** Reads the id of a floor turn from any of its records. */
    static String turnId(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.value());
    }

    /** Moves every record of hop {@code n} to hop {@code n + 1}, as it is. */
    private final class Relay {

        final Thread thread;
        final CompletableFuture<Void> ready = new CompletableFuture<>();
        private final int hop;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final KafkaProducer<byte[], byte[]> producer;
        private volatile boolean running = true;

        Relay(int hop) {
            this.hop = hop;
            String group = "bench-" + mode.id + "-relay-" + hop;
            Properties in = clientConfig();
            in.put(ConsumerConfig.GROUP_ID_CONFIG, group);
            in.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, mode == Mode.PLAIN);
            in.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, mode == Mode.PLAIN ? "read_uncommitted" : "read_committed");
            this.consumer = new KafkaConsumer<>(in, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            Properties out = clientConfig();
            out.put(ProducerConfig.ACKS_CONFIG, "all");
            // A floor: no batching delay (kafka-clients 4 waits 5 ms by default); a transaction's commit flushes anyway.
            out.put(ProducerConfig.LINGER_MS_CONFIG, 0);
            if (mode == Mode.EXACTLY_ONCE) {
                out.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
            }
            this.producer = new KafkaProducer<>(out, new ByteArraySerializer(), new ByteArraySerializer());
            this.thread = new Thread(this::run, group);
            this.thread.setDaemon(true);
        }

        private void run() {
            try {
                String input = topic(hop);
                String output = topic(hop + 1);
                // Assigned, not subscribed: a relay owns every partition of its hop, with no rebalance.
                List<TopicPartition> partitions = consumer.partitionsFor(input).stream()
                        .map(p -> new TopicPartition(input, p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                if (mode == Mode.EXACTLY_ONCE) {
                    producer.initTransactions();
                }
                ready.complete(null);
                while (running) {
                    ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
                    if (records.isEmpty()) {
                        continue;
                    }
                    if (mode == Mode.EXACTLY_ONCE) {
                        producer.beginTransaction();
                    }
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        producer.send(new ProducerRecord<>(output, record.key(), record.value()));
                        offsets.put(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1));
                    }
                    if (mode == Mode.EXACTLY_ONCE) {
                        producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(consumer.groupMetadata().groupId()));
                        producer.commitTransaction();
                    }
                }
            } catch (WakeupException stopping) {
                // close() woke the poll up
            } catch (Exception e) {
                ready.completeExceptionally(e);
                if (running) {
                    System.err.println("Relay " + hop + " of the " + mode.id + " floor failed: " + e);
                }
            } finally {
                consumer.close();
                producer.close(Duration.ofSeconds(5));
            }
        }

        void stop() {
            running = false;
            consumer.wakeup();
        }
    }

    @Override
    public void close() throws InterruptedException {
        relays.forEach(Relay::stop);
        for (Relay relay : relays) {
            relay.thread.join(10_000);
        }
        source.close(Duration.ofSeconds(5));
    }
}
