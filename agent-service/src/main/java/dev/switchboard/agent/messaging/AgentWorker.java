package dev.switchboard.agent.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * Consumes one agent's task topic ({@code agent.<id>.tasks}) in its own consumer group and writes one
 * result per task to {@code agent.results.raw}; tasks that cannot be decoded go to {@code deadletters}.
 *
 * <p>Each poll's tasks are grouped by session (the record key): sessions run in parallel, the tasks of
 * one session in order. The results of a poll and the consumer's offsets are written in one Kafka
 * transaction, so a crash never loses a task nor publishes its result twice; a redelivered task is run
 * again, and side-effecting tools see the same idempotency key (task id and step) both times.
 *
 * <p>The consumer and the transactional producer authenticate as the agent's own principal, which may write
 * only {@code agent.results.raw}. Dead letters therefore go through the host's producer, as {@code agent-service},
 * outside the transaction: they are acknowledged before the poll's transaction commits its offsets (at least
 * once; a poll read again after a failure may dead-letter the same task twice), and when they cannot be written
 * no task of the poll runs and the poll is read again.
 */
final class AgentWorker implements Runnable {

    private static final Logger LOG = Logger.getLogger(AgentWorker.class);
    private static final long DEAD_LETTER_ACK_SECONDS = 30;

    private final String agent;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final Producer<String, byte[]> deadLetters;
    private final Function<AgentTask, AgentResult> runner;
    private final ExecutorService sessions;
    private final Duration pollTimeout;
    private final Topic<String, AgentTask> tasks;
    private volatile boolean running = true;

    /**
     * @param consumer    the agent's consumer, as the agent's principal
     * @param producer    the agent's transactional producer, as the agent's principal
     * @param deadLetters the host's producer, as {@code agent-service}; shared by the workers, closed by their owner
     */
    AgentWorker(String agent, Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
            Producer<String, byte[]> deadLetters, Function<AgentTask, AgentResult> runner,
            ExecutorService sessions, Duration pollTimeout) {
        this.agent = agent;
        this.consumer = consumer;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.runner = runner;
        this.sessions = sessions;
        this.pollTimeout = pollTimeout;
        this.tasks = Topics.agentTasks(agent);
    }

    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(tasks.name()));
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(pollTimeout);
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up
        } catch (RuntimeException e) {
            LOG.errorf(e, "Worker of agent %s stopped", agent);
        } finally {
            running = false;
            consumer.close();
            producer.close();
        }
    }

    private void process(ConsumerRecords<String, byte[]> records) {
        Map<ConsumerRecord<String, byte[]>, AgentTask> decoded = new LinkedHashMap<>();
        List<ProducerRecord<String, byte[]>> undecodable = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                decoded.put(record, tasks.valueSerde().deserializer().deserialize(record.topic(), record.headers(),
                        record.value()));
            } catch (RuntimeException e) {
                undecodable.add(deadLetter(record, "undecodable task: " + e.getMessage()));
            }
        }
        if (!deadLetter(undecodable)) {
            rewind(records);
            return;
        }
        List<ProducerRecord<String, byte[]>> out = answer(decoded);
        try {
            producer.beginTransaction();
            out.forEach(producer::send);
            producer.sendOffsetsToTransaction(nextOffsets(records), consumer.groupMetadata());
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            // another instance with the same transactional id took over: this one must stop
            LOG.errorf(e, "Worker of agent %s was fenced by a newer instance and stops", agent);
            running = false;
        } catch (KafkaException e) {
            LOG.warnf(e, "Transaction of agent %s aborted; its tasks will be read again", agent);
            producer.abortTransaction();
            rewind(records);
        }
    }

    /** Writes the dead letters and waits for the broker; false when they could not all be written. */
    private boolean deadLetter(List<ProducerRecord<String, byte[]>> letters) {
        if (letters.isEmpty()) {
            return true;
        }
        try {
            List<Future<?>> sent = new ArrayList<>();
            letters.forEach(letter -> sent.add(deadLetters.send(letter)));
            for (Future<?> ack : sent) {
                ack.get(DEAD_LETTER_ACK_SECONDS, TimeUnit.SECONDS);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            LOG.warnf(e, "Dead letters of agent %s could not be written; the poll will be read again", agent);
            pause();
            return false;
        }
    }

    /** One result per decoded task, in input order. */
    private List<ProducerRecord<String, byte[]>> answer(Map<ConsumerRecord<String, byte[]>, AgentTask> decoded) {
        Map<String, List<ConsumerRecord<String, byte[]>>> bySession = new LinkedHashMap<>();
        decoded.keySet().forEach(record -> bySession.computeIfAbsent(String.valueOf(record.key()), k -> new ArrayList<>()).add(record));
        Map<ConsumerRecord<String, byte[]>, ProducerRecord<String, byte[]>> answers = new HashMap<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (List<ConsumerRecord<String, byte[]>> session : bySession.values()) {
            running.add(CompletableFuture.runAsync(() -> {
                for (ConsumerRecord<String, byte[]> record : session) {
                    ProducerRecord<String, byte[]> answer = answer(decoded.get(record));
                    synchronized (answers) {
                        answers.put(record, answer);
                    }
                }
            }, sessions));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        List<ProducerRecord<String, byte[]>> ordered = new ArrayList<>();
        decoded.keySet().forEach(record -> ordered.add(answers.get(record)));
        return ordered;
    }

    private ProducerRecord<String, byte[]> answer(AgentTask task) {
        AgentResult result = runner.apply(task);
        byte[] value = Topics.AGENT_RESULTS_RAW.valueSerde().serializer().serialize(Topics.AGENT_RESULTS_RAW.name(), result);
        return new ProducerRecord<>(Topics.AGENT_RESULTS_RAW.name(), task.getEnvelope().getSessionId(), value);
    }

    private static ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add("dead-letter-reason", reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", String.valueOf(record.partition()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", String.valueOf(record.offset()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, record.key(), record.value(), headers);
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** After an abort: back to the last committed offsets, so the tasks are read again. */
    private void rewind(ConsumerRecords<String, byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(records.partitions());
        for (TopicPartition partition : records.partitions()) {
            OffsetAndMetadata offset = committed.get(partition);
            consumer.seek(partition, offset == null ? records.records(partition).get(0).offset() : offset.offset());
        }
    }

    /** Waits one poll timeout before the poll is read again, so that a broker outage is not retried in a busy loop. */
    private void pause() {
        try {
            Thread.sleep(pollTimeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    boolean isRunning() {
        return running;
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    String agent() {
        return agent;
    }
}
