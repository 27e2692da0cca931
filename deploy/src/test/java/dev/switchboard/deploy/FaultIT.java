package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.switchboard.deploy.faults.HostileText;
import dev.switchboard.deploy.faults.PoisonRecords;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * The short fault suite of the normal test run (the whole one is the benchmark module's fault run, see
 * {@code docs/reliability.md}): under steady load through the web chat API, a service is killed
 * with SIGKILL (a crash: nothing flushed, no group left) and started again a few seconds later. Every turn must be
 * answered (200 within the request's wait), exactly one reply per turn must be on {@code replies.outbound}, and the
 * test prints how long the users waited. The restarted service comes back as the same static group member, so it
 * takes its partitions back at once instead of after its old session's timeout.
 */
class FaultIT {

    private static final int RATE = 8;
    private static final int SECONDS = 16;
    private static final int USERS = 40;
    private static final int WAIT_SECONDS = 30;
    private static final long KILL_AT_MS = 3_000;
    private static final long RESTART_AT_MS = 6_000;

    record Sent(String turnId, int status, long sentAtMs, long latencyMs) {
    }

    @ParameterizedTest
    @ValueSource(strings = {"compliance-service", "agent-service"})
    void aServiceKilledUnderLoadLosesNoTurnAndAnswersNoneTwice(String module) throws Exception {
        LocalStack stack = SharedStack.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Sent> answers = underFault(() -> stack.kill(module), () -> stack.restart(module, Duration.ofSeconds(90)),
                (i, sentAtMs) -> send("fault-" + run + "-" + (i % USERS), "turn " + i + " during a crash of " + module,
                        sentAtMs));

        List<Long> latencies = answers.stream().map(Sent::latencyMs).sorted().toList();
        long afterKill = answers.stream().filter(a -> a.sentAtMs() >= KILL_AT_MS).mapToLong(a -> a.sentAtMs() + a.latencyMs())
                .max().orElse(0);
        System.out.printf("[fault] %s killed at %d ms, restarted at %d ms: %d turns, statuses %s, latency p50 %d ms, "
                        + "max %d ms; the last turn sent after the kill answered at %d ms%n", module, KILL_AT_MS,
                RESTART_AT_MS, answers.size(), answers.stream().collect(Collectors.groupingBy(Sent::status,
                        Collectors.counting())), latencies.get(latencies.size() / 2),
                latencies.get(latencies.size() - 1), afterKill);
        assertThat(answers).as("every turn answered within its wait").allSatisfy(answer ->
                assertThat(answer.status()).as("turn sent at %d ms", answer.sentAtMs()).isEqualTo(200));

        Set<String> turns = answers.stream().map(Sent::turnId).collect(Collectors.toSet());
        Map<String, Integer> replies = repliesOf(stack, turns);
        assertThat(replies.keySet()).as("a reply for every turn").containsExactlyInAnyOrderElementsOf(turns);
        assertThat(replies).as("exactly one reply per turn").allSatisfy((turn, count) -> assertThat(count).isEqualTo(1));
    }

    /**
     * The broker killed with SIGKILL under load and started again: clients that retry a message answered 503 or 504
     * (or not at all) with the same {@code messageId}, as the gateway's answer tells them to, get every message
     * answered, and each message is processed once, however often it was sent.
     */
    @Test
    void aBrokerKilledUnderLoadLosesNoTurnAndRetriedMessagesAreProcessedOnce() throws Exception {
        LocalStack stack = SharedStack.get();
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Retried> answers = underFault(stack::killBroker, stack::restartBroker,
                (i, sentAtMs) -> sendUntilAnswered("broker-" + run + "-" + (i % USERS), "m-" + run + "-" + i, sentAtMs));

        long retried = answers.stream().filter(a -> a.attempts() > 1).count();
        long answeredAt = answers.stream().mapToLong(a -> a.sentAtMs() + a.latencyMs()).max().orElse(0);
        System.out.printf("[fault] broker killed at %d ms, restarted at %d ms: %d messages, %d sent more than once "
                        + "(%d attempts in all), final statuses %s, the last answered at %d ms%n", KILL_AT_MS,
                RESTART_AT_MS, answers.size(), retried, answers.stream().mapToInt(Retried::attempts).sum(),
                answers.stream().collect(Collectors.groupingBy(Retried::status, Collectors.counting())), answeredAt);
        assertThat(answers).as("every message answered in the end").allSatisfy(answer ->
                assertThat(answer.status()).as("message sent at %d ms", answer.sentAtMs()).isEqualTo(200));
        Set<String> turns = answers.stream().map(Retried::turnId).collect(Collectors.toSet());
        assertThat(turns).as("one turn per message").hasSize(answers.size());
        Map<String, Integer> replies = repliesOf(stack, turns);
        assertThat(replies.keySet()).containsExactlyInAnyOrderElementsOf(turns);
        assertThat(replies).as("exactly one reply per message").allSatisfy((turn, count) -> assertThat(count).isEqualTo(1));
    }

    record Retried(String turnId, int status, int attempts, long sentAtMs, long latencyMs) {
    }

    /** Something the fault does to the stack. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** One message of the load: its number and when it was due (ms after the start) to what its client saw. */
    @FunctionalInterface
    interface Client<T> {
        T send(int message, long sentAtMs);
    }

    /**
     * Sends {@value #RATE} messages a second for {@value #SECONDS} s, each on a client thread of its own, while the
     * fault happens: {@code crash} at {@value #KILL_AT_MS} ms, {@code recover} at {@value #RESTART_AT_MS} ms; returns
     * what every client saw once all are done.
     */
    private static <T> List<T> underFault(Step crash, Step recover, Client<T> client) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(RATE * SECONDS);
        try {
            long start = System.currentTimeMillis();
            CompletableFuture<Void> fault = CompletableFuture.runAsync(() -> {
                try {
                    Thread.sleep(KILL_AT_MS);
                    crash.run();
                    Thread.sleep(RESTART_AT_MS - KILL_AT_MS);
                    recover.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            List<CompletableFuture<T>> sent = new ArrayList<>();
            for (int i = 0; i < RATE * SECONDS; i++) {
                int message = i;
                long due = start + i * 1000L / RATE;
                Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
                sent.add(CompletableFuture.supplyAsync(() -> client.send(message, due - start), clients));
            }
            fault.get(3, TimeUnit.MINUTES);
            List<T> answers = new ArrayList<>();
            for (CompletableFuture<T> each : sent) {
                answers.add(each.get(5, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            clients.shutdown();
        }
    }

    /** Sends a message, and again with the same id after 2 s while it is answered 503, 504 or not at all (3 min). */
    private static Retried sendUntilAnswered(String user, String messageId, long sentAtMs) {
        long started = System.nanoTime();
        int attempts = 0;
        Api.Answer answer = new Api.Answer(0, "");
        while (System.nanoTime() - started < TimeUnit.MINUTES.toNanos(3)) {
            attempts++;
            try {
                answer = Api.demoMessage(user, "message " + messageId, messageId, WAIT_SECONDS);
                if (answer.status() != 503 && answer.status() != 504 && answer.status() != 0) {
                    break;
                }
            } catch (Exception e) {
                answer = new Api.Answer(-1, "");
            }
            try {
                Thread.sleep(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        String turnId = null;
        try {
            turnId = answer.status() == 200 ? answer.json().path("turnId").asText() : null;
        } catch (Exception e) {
            // no body: the status says it all
        }
        return new Retried(turnId, answer.status(), attempts, sentAtMs, (System.nanoTime() - started) / 1_000_000);
    }

    private static Sent send(String user, String text, long sentAtMs) {
        long started = System.nanoTime();
        try {
            Api.Answer answer = Api.demoMessage(user, text, WAIT_SECONDS);
            String turnId = answer.status() == 200 || answer.status() == 504
                    ? answer.json().path("turnId").asText() : null;
            return new Sent(turnId, answer.status(), sentAtMs, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            return new Sent(null, -1, sentAtMs, (System.nanoTime() - started) / 1_000_000);
        }
    }

    /**
     * How many replies each of these turns has on {@code replies.outbound} (read_committed, to the end); a record that
     * does not decode (a poison record of another test) is passed over.
     */
    private static Map<String, Integer> repliesOf(LocalStack stack, Set<String> turns) {
        Map<String, Integer> counts = new HashMap<>();
        readToEnd(stack.clientProperties("admin"), Topics.REPLIES_OUTBOUND.name(), Map.of(), record -> {
            ReplyOutbound reply = decoded(Topics.REPLIES_OUTBOUND, record);
            String turn = reply == null ? null : reply.getEnvelope().getTurnId();
            if (turns.contains(turn)) {
                counts.merge(turn, 1, Integer::sum);
            }
        });
        return counts;
    }

    /**
     * One record that no reader can decode on every topic a service or an agent consumes: each ends in
     * {@code deadletters} under its source topic, and turns are answered all the while.
     */
    @Test
    void aPoisonRecordOnEveryInputTopicIsDeadLetteredWhileTurnsGoOn() throws Exception {
        LocalStack stack = SharedStack.get();
        Map<String, Object> admin = stack.clientProperties("admin");
        Map<TopicPartition, Long> from = endOffsets(admin, Topics.DEAD_LETTERS.name());
        Set<String> inputs = PoisonRecords.inputTopics(stack.settings().agents());
        Set<String> streamed = new TreeSet<>(inputs);
        streamed.removeAll(PoisonRecords.READ_ON_REQUEST);

        PoisonRecords.write(admin, inputs);
        String user = "poisoned-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            assertThat(Api.demoMessage(user, "a turn after the poison, " + i, WAIT_SECONDS).status()).isEqualTo(200);
        }

        Map<String, String> deadLettered = new TreeMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (!deadLettered.keySet().containsAll(streamed) && System.nanoTime() < deadline) {
            readToEnd(admin, Topics.DEAD_LETTERS.name(), from, record -> {
                String source = header(record, DeadLetters.TOPIC);
                if (source != null && record.key() != null
                        && new String(record.key(), StandardCharsets.UTF_8).equals(PoisonRecords.keyOf(source))) {
                    deadLettered.put(source, header(record, DeadLetters.REASON));
                }
            });
            Thread.sleep(1000);
        }
        System.out.printf("[fault] poison on %d topics; dead-lettered with reasons: %s%n", inputs.size(), deadLettered);
        assertThat(deadLettered.keySet()).as("a dead letter for the poison of every consumed topic")
                .containsAll(streamed);
    }

    /**
     * Hostile text (injection, inputs that make naive patterns backtrack, personal data of every kind): 64 KiB through
     * the web chat API is refused with 413, the longest text it takes is answered, and 64 KiB written straight to
     * {@code turns.raw} is audited by compliance, which goes on answering; none of it reaches a dead letter unredacted.
     */
    @Test
    void hostileTextNeitherStopsComplianceNorEscapesIntoADeadLetter() throws Exception {
        LocalStack stack = SharedStack.get();
        Map<String, Object> admin = stack.clientProperties("admin");
        Map<TopicPartition, Long> from = endOffsets(admin, Topics.DEAD_LETTERS.name());
        String user = "hostile-" + UUID.randomUUID();

        assertThat(Api.demoMessage(user, HostileText.of(64 * 1024), WAIT_SECONDS).status()).isEqualTo(413);
        Api.Answer longest = Api.demoMessage(user, HostileText.of(4000), WAIT_SECONDS);
        assertThat(longest.status()).as(longest.body()).isEqualTo(200);

        String eventId = UUID.randomUUID().toString();
        String sessionId = UUID.randomUUID().toString();
        TurnReceived turn = TurnReceived.newBuilder()
                .setEnvelope(Envelope.newBuilder().setEventId(eventId).setTenant(LocalStack.DEMO_TENANT)
                        .setSessionId(sessionId).setTurnId(UUID.randomUUID().toString())
                        .setPrincipal(Principal.newBuilder().setTenant(LocalStack.DEMO_TENANT).setUser(user).build())
                        .setChannel("webchat").setOccurredAt(Instant.now()).build())
                .setText(HostileText.of(64 * 1024)).build();
        try (KafkaProducer<String, TurnReceived> producer = new KafkaProducer<>(admin,
                Topics.TURNS_RAW.keySerde().serializer(), Topics.TURNS_RAW.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.TURNS_RAW.name(), sessionId, turn)).get();
        }
        assertThat(Api.demoMessage(user, "an ordinary message after it", WAIT_SECONDS).status()).isEqualTo(200);
        assertThat(awaitAuditRow(stack, eventId, Duration.ofSeconds(60))).as("the 64 KiB turn is audited").isTrue();

        List<String> leaked = new ArrayList<>();
        readToEnd(admin, Topics.DEAD_LETTERS.name(), from, record -> {
            if (new String(record.value() == null ? new byte[0] : record.value(), StandardCharsets.UTF_8)
                    .contains(HostileText.ADDRESS)) {
                leaked.add(header(record, DeadLetters.TOPIC) + "@" + record.offset());
            }
        });
        assertThat(leaked).as("dead letters holding the hostile text unredacted").isEmpty();
    }

    private static boolean awaitAuditRow(LocalStack stack, String eventId, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Connection connection = DriverManager.getConnection(stack.settings().jdbcUrl(), "postgres", "postgres");
                PreparedStatement query = connection.prepareStatement("SELECT 1 FROM audit_events WHERE event_id = ?")) {
            query.setString(1, eventId);
            while (System.nanoTime() < deadline) {
                try (ResultSet row = query.executeQuery()) {
                    if (row.next()) {
                        return true;
                    }
                }
                Thread.sleep(500);
            }
        }
        return false;
    }

    private static Map<TopicPartition, Long> endOffsets(Map<String, Object> kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer(kafka)) {
            return consumer.endOffsets(consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList());
        }
    }

    /** Every committed record of a topic from {@code from} (else the beginning) to its end now, as bytes. */
    private static void readToEnd(Map<String, Object> kafka, String topic, Map<TopicPartition, Long> from,
            java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer(kafka)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.stream().filter(from::containsKey).forEach(p -> consumer.seek(p, from.get(p)));
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                consumer.poll(Duration.ofMillis(500)).forEach(each);
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> rawConsumer(Map<String, Object> kafka) {
        Map<String, Object> settings = new HashMap<>(kafka);
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(settings, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static <V> V decoded(Topic<String, V> topic, ConsumerRecord<byte[], byte[]> record) {
        try {
            return topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
