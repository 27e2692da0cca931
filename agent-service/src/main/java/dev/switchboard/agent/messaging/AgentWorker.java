package dev.switchboard.agent.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

import dev.switchboard.agent.TaskMapping;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.schemas.DeadLetters;
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
 * <p>Failures stay with their task. Whatever one task throws (the runner, the agent's code, a tool process, the
 * model adapter, the serializer; an {@link Error} such as a {@link StackOverflowError} too) becomes that task's
 * {@code agent_error} failure, and a result larger than {@link Settings#maxResultBytes()} becomes a
 * {@code result_too_large} failure with the same usage: the worker goes on with the next task. A poll's
 * transaction that aborts (other than by fencing or a rebalance) is written again, with the same results, up to
 * {@link Settings#transactionRetries()} times with doubling back-off; after that each task is written in a
 * transaction of its own, a task whose result still cannot be written gets a {@code result_not_written} failure
 * in its place, and when even that fails it is dead-lettered, so the partition moves on. No task is run twice
 * because the transaction of its poll failed.
 *
 * <p>The consumer and the transactional producer authenticate as the agent's own principal, which may write
 * only {@code agent.results.raw}. Dead letters therefore go through the host's producer, as {@code agent-service},
 * outside the transaction: they are acknowledged before the poll's transaction commits its offsets (at least
 * once; a poll read again after a failure may dead-letter the same task twice), and when they cannot be written
 * no task of the poll runs and the poll is read again.
 *
 * <p>Rebalancing is cooperative (the services' group assignor, {@code CooperativeStickyAssignor}): a rebalance moves
 * only the partitions that change owner, and a poll still hands out the tasks of the partitions this worker owns while
 * the group rebalances. The transaction names the consumer's group generation ({@code groupMetadata()}), so the
 * broker refuses the commit of a poll whose generation is gone, and the transaction aborts: no offset of a partition
 * another member owns now is ever committed. The results of such a poll are not thrown away: the worker completes
 * the rebalance without taking new tasks, writes the results of the partitions it gives up while it still owns them
 * (in the revocation callback), and those of the partitions it keeps in the new generation, so no task is run again
 * because of a rebalance. Only the partitions it lost without a revocation (evicted from the group) are read again by
 * their new owner.
 */
final class AgentWorker implements Runnable {

    /**
     * How a worker polls and writes.
     *
     * @param pollTimeout        how long a poll waits for tasks
     * @param maxResultBytes     the largest result, serialized with its key and {@link #RECORD_OVERHEAD_BYTES}, that
     *                           is written; a larger one is replaced by a {@code result_too_large} failure
     * @param transactionRetries how often a poll's aborted transaction is written again before its tasks are written
     *                           one by one
     * @param transactionBackoff the wait before the first of those retries, doubled for each next one
     */
    record Settings(Duration pollTimeout, int maxResultBytes, int transactionRetries, Duration transactionBackoff) {
    }

    /** Room left for the record's and its batch's framing (headers, lengths, CRC) next to key and value. */
    static final int RECORD_OVERHEAD_BYTES = 512;

    private static final Logger LOG = Logger.getLogger(AgentWorker.class);
    private static final long DEAD_LETTER_ACK_SECONDS = 30;
    /** How long a worker whose commit the group's new generation refused waits to join that generation. */
    private static final Duration REJOIN_TIMEOUT = Duration.ofSeconds(30);

    /** How one transaction ended. */
    private enum Written {
        COMMITTED,
        /** aborted; the same records may be written again */
        ABORTED,
        /** aborted because the group rebalanced: the poll is read again by whoever owns its partitions now */
        REBALANCED,
        /** fenced by a newer instance with the same transactional id: this worker stops */
        FENCED
    }

    /** One task's result, as built and as it is written; both null when no result could be built. */
    private record Answer(AgentResult result, ProducerRecord<String, byte[]> record) {
    }

    private final String agent;
    private final Consumer<String, byte[]> consumer;
    private final Producer<String, byte[]> producer;
    private final Producer<String, byte[]> deadLetters;
    private final Function<AgentTask, AgentResult> runner;
    private final ExecutorService sessions;
    private final Settings settings;
    private final Topic<String, AgentTask> tasks;
    private volatile boolean running = true;
    private volatile boolean fenced;
    /** A poll answered but not committed while the worker rejoins the group's new generation; worker thread only. */
    private Unwritten unwritten;

    /** The answers of a poll, and its partitions whose results are not written yet. */
    private record Unwritten(ConsumerRecords<String, byte[]> records, Map<ConsumerRecord<String, byte[]>, Answer> answers,
            Set<TopicPartition> partitions) {
    }

    /**
     * @param consumer    the agent's consumer, as the agent's principal
     * @param producer    the agent's transactional producer, as the agent's principal
     * @param deadLetters the host's producer, as {@code agent-service}; shared by the workers, closed by their owner
     */
    AgentWorker(String agent, Consumer<String, byte[]> consumer, Producer<String, byte[]> producer,
            Producer<String, byte[]> deadLetters, Function<AgentTask, AgentResult> runner,
            ExecutorService sessions, Settings settings) {
        this.agent = agent;
        this.consumer = consumer;
        this.producer = producer;
        this.deadLetters = deadLetters;
        this.runner = runner;
        this.sessions = sessions;
        this.settings = settings;
        this.tasks = Topics.agentTasks(agent);
    }

    /**
     * Polls and answers until stopped, fenced or interrupted, or until the consumer or producer fail in a way no
     * task caused (logged); {@link WorkerSupervisor} starts a new worker then.
     */
    @Override
    public void run() {
        try {
            producer.initTransactions();
            consumer.subscribe(List.of(tasks.name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                    writeBeforeRevocation(revoked);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                    // nothing to do: positions come from the committed offsets
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> lost) {
                    // owned by another member already: its results cannot be written, their tasks are read again
                    if (unwritten != null) {
                        unwritten.partitions().removeAll(lost);
                    }
                }
            });
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(settings.pollTimeout());
                if (!records.isEmpty()) {
                    process(records);
                }
            }
        } catch (WakeupException stopping) {
            // close() woke the consumer up
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            fenced(e);
        } catch (RuntimeException e) {
            if (running) {
                LOG.errorf(e, "Worker of agent %s stopped unexpectedly", agent);
            }
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
                undecodable.add(deadLetter(record, "undecodable task: " + e.getMessage(), null));
            }
        }
        if (!deadLetter(undecodable)) {
            rewind(records, records.partitions());
            return;
        }
        Map<ConsumerRecord<String, byte[]>, Answer> answers = answer(decoded);
        List<ProducerRecord<String, byte[]>> unanswerable = new ArrayList<>();
        answers.forEach((record, answer) -> {
            if (answer.record() == null) {
                unanswerable.add(deadLetter(record, "no result of the task could be built",
                        decoded.get(record).getEnvelope().getTenant()));
            }
        });
        if (!deadLetter(unanswerable)) {
            rewind(records, records.partitions());
            return;
        }
        Set<TopicPartition> partitions = new HashSet<>(records.partitions());
        Duration backoff = settings.transactionBackoff();
        for (int attempt = 0; ; attempt++) {
            Written written = write(results(records, answers, partitions), nextOffsets(records, partitions));
            if (written == Written.COMMITTED || written == Written.FENCED) {
                return;
            }
            if (written == Written.REBALANCED) {
                if (attempt >= settings.transactionRetries() || !rejoin(records, answers, partitions)) {
                    rewind(records, partitions);
                    return;
                }
                if (partitions.isEmpty()) {
                    return; // every result written before its partition was revoked, or its partition lost
                }
                continue; // the results of the partitions it still owns, in the new generation
            }
            if (attempt >= settings.transactionRetries()) {
                LOG.warnf("Transaction of agent %s aborted %d times; its %d tasks are written one by one", agent,
                        attempt + 1, records.count());
                writeOneByOne(records, answers, partitions);
                return;
            }
            sleep(backoff);
            if (!running) {
                return; // stopping: whoever owns the partitions next reads the poll again
            }
            backoff = backoff.multipliedBy(2);
        }
    }

    /**
     * The last resort after a poll's transaction kept failing: each task in a transaction of its own, in order, so
     * that one result the broker refuses holds back no other. A task whose result cannot be written gets a
     * {@code result_not_written} failure instead; when even that fails it is dead-lettered and only its offset
     * committed. When not even that works (the broker is gone), the rest of the poll is read again.
     */
    private void writeOneByOne(ConsumerRecords<String, byte[]> records, Map<ConsumerRecord<String, byte[]>, Answer> answers,
            Set<TopicPartition> partitions) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (!partitions.contains(new TopicPartition(record.topic(), record.partition()))) {
                continue;
            }
            Map<TopicPartition, OffsetAndMetadata> offset = Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
            Answer answer = answers.get(record);
            if (answer != null && answer.record() == null) {
                answer = null; // dead-lettered already
            }
            Written written = write(answer == null ? List.of() : List.of(answer.record()), offset);
            if (written == Written.ABORTED && answer != null) {
                LOG.errorf("Result of task %s of agent %s could not be written; a failure is written in its place",
                        answer.result().getTaskId(), agent);
                written = write(List.of(serialize(TaskMapping.failure(answer.result(), "result_not_written",
                        "The agent's answer could not be delivered"))), offset);
                if (written == Written.ABORTED && deadLetter(List.of(deadLetter(record,
                        "no result of the task could be written", answer.result().getEnvelope().getTenant())))) {
                    written = write(List.of(), offset);
                }
            }
            if (written != Written.COMMITTED) {
                if (written != Written.FENCED) {
                    rewind(records, partitions);
                }
                return;
            }
        }
    }

    /**
     * After the broker refused a poll's commit because the group moved to a new generation: polls, with every partition
     * paused (records of partitions assigned meanwhile are put back), until this worker has joined the new generation.
     * On the way, the results of the partitions it gives up are written before they are revoked
     * ({@link #writeBeforeRevocation}); {@code partitions} is left with the poll's partitions it still owns, whose
     * results the caller writes again. False when the worker could not rejoin within {@link #REJOIN_TIMEOUT}, or stops.
     */
    private boolean rejoin(ConsumerRecords<String, byte[]> records, Map<ConsumerRecord<String, byte[]>, Answer> answers,
            Set<TopicPartition> partitions) {
        int stale = consumer.groupMetadata().generationId();
        LOG.infof("The group of agent %s rebalanced while a poll was answered; rejoining before its results are written",
                agent);
        unwritten = new Unwritten(records, answers, partitions);
        Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
        consumer.pause(paused);
        try {
            long deadline = System.nanoTime() + REJOIN_TIMEOUT.toNanos();
            // A generation below the stale one is none (-1: evicted, joining again): wait for a real one.
            while (running && consumer.groupMetadata().generationId() <= stale && System.nanoTime() < deadline) {
                ConsumerRecords<String, byte[]> assignedMeanwhile = consumer.poll(settings.pollTimeout());
                for (TopicPartition partition : assignedMeanwhile.partitions()) {
                    consumer.seek(partition, assignedMeanwhile.records(partition).get(0).offset());
                }
            }
            partitions.retainAll(consumer.assignment());
            return running && consumer.groupMetadata().generationId() > stale;
        } finally {
            unwritten = null;
            paused.retainAll(consumer.assignment());
            consumer.resume(paused);
        }
    }

    /**
     * Called from the consumer's poll when partitions are revoked (their new owner gets them only after this worker
     * joined again): writes the results of a poll not yet written that belong to them, while this worker still owns
     * them. Results that cannot be written are read again by the new owner.
     */
    private void writeBeforeRevocation(Collection<TopicPartition> revoked) {
        if (unwritten == null) {
            return;
        }
        Set<TopicPartition> leaving = new HashSet<>(revoked);
        leaving.retainAll(unwritten.partitions());
        if (!leaving.isEmpty()) {
            Written written = write(results(unwritten.records(), unwritten.answers(), leaving),
                    nextOffsets(unwritten.records(), leaving));
            LOG.infof("Results of agent %s on revoked partitions %s %s", agent, leaving, written == Written.COMMITTED
                    ? "written before the revocation" : "not written: their tasks are read again by their new owner");
            unwritten.partitions().removeAll(leaving);
        }
    }

    /** Writes {@code results} and commits {@code offsets} in one transaction. */
    private Written write(List<ProducerRecord<String, byte[]>> results, Map<TopicPartition, OffsetAndMetadata> offsets) {
        try {
            producer.beginTransaction();
            results.forEach(producer::send);
            producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
            producer.commitTransaction();
            return Written.COMMITTED;
        } catch (KafkaException e) {
            if (fencing(e) || fencing(e.getCause())) {
                fenced(e);
                return Written.FENCED;
            }
            LOG.warnf(e, "Transaction of agent %s aborted", agent);
            // throws when the producer cannot go on (a fatal error): the worker then stops and a new one starts
            producer.abortTransaction();
            return rebalanced(e) || rebalanced(e.getCause()) ? Written.REBALANCED : Written.ABORTED;
        }
    }

    private static boolean fencing(Throwable e) {
        return e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException;
    }

    private static boolean rebalanced(Throwable e) {
        return e instanceof CommitFailedException || e instanceof RebalanceInProgressException;
    }

    private void fenced(KafkaException e) {
        // another instance with the same transactional id took over: this one must stop
        LOG.errorf(e, "Worker of agent %s was fenced by a newer instance and stops", agent);
        fenced = true;
        running = false;
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

    /** One answer per decoded task, in input order. */
    private Map<ConsumerRecord<String, byte[]>, Answer> answer(Map<ConsumerRecord<String, byte[]>, AgentTask> decoded) {
        Map<String, List<ConsumerRecord<String, byte[]>>> bySession = new LinkedHashMap<>();
        decoded.keySet().forEach(record -> bySession.computeIfAbsent(String.valueOf(record.key()), k -> new ArrayList<>()).add(record));
        Map<ConsumerRecord<String, byte[]>, Answer> answers = new HashMap<>();
        List<CompletableFuture<Void>> running = new ArrayList<>();
        for (List<ConsumerRecord<String, byte[]>> session : bySession.values()) {
            running.add(CompletableFuture.runAsync(() -> {
                for (ConsumerRecord<String, byte[]> record : session) {
                    Answer answer = answer(decoded.get(record));
                    synchronized (answers) {
                        answers.put(record, answer);
                    }
                }
            }, sessions));
        }
        CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();
        Map<ConsumerRecord<String, byte[]>, Answer> ordered = new LinkedHashMap<>();
        decoded.keySet().forEach(record -> ordered.put(record, answers.get(record)));
        return ordered;
    }

    /**
     * The task's result; whatever the task throws becomes its {@code agent_error} failure, and a result larger than the
     * limit its {@code result_too_large} failure. Neither message says more than that: the exception is logged.
     */
    private Answer answer(AgentTask task) {
        try {
            AgentResult result = runner.apply(task);
            ProducerRecord<String, byte[]> record = serialize(result);
            int size = size(record);
            if (size > settings.maxResultBytes()) {
                LOG.errorf("Result of task %s of agent %s is %d bytes, more than the limit of %d: a failure is written instead",
                        task.getTaskId(), agent, size, settings.maxResultBytes());
                result = TaskMapping.failure(result, "result_too_large", "The agent's answer was too large to deliver");
                record = serialize(result);
            }
            return new Answer(result, record);
        } catch (Throwable e) { // an Error of agent code (StackOverflowError) too: it ends this task, not the worker
            LOG.errorf(e, "Task %s of agent %s failed", task.getTaskId(), agent);
            try {
                AgentResult failure = TaskMapping.failure(task, "agent_error",
                        "The agent failed while answering; the error was logged");
                return new Answer(failure, serialize(failure));
            } catch (RuntimeException notEvenAFailure) {
                LOG.errorf(notEvenAFailure, "No result of task %s of agent %s can be built: it is dead-lettered",
                        task.getTaskId(), agent);
                return new Answer(null, null);
            }
        }
    }

    private static ProducerRecord<String, byte[]> serialize(AgentResult result) {
        byte[] value = Topics.AGENT_RESULTS_RAW.valueSerde().serializer().serialize(Topics.AGENT_RESULTS_RAW.name(), result);
        return new ProducerRecord<>(Topics.AGENT_RESULTS_RAW.name(), result.getEnvelope().getSessionId(), value);
    }

    /** The bytes a result takes on the broker, at most: key, value and room for the framing. */
    private static int size(ProducerRecord<String, byte[]> record) {
        return record.key().getBytes(StandardCharsets.UTF_8).length + record.value().length + RECORD_OVERHEAD_BYTES;
    }

    /** The task as it was read, with why and where from; {@code tenant} is the task's, or null when it did not decode. */
    private static ProducerRecord<String, byte[]> deadLetter(ConsumerRecord<String, byte[]> record, String reason,
            String tenant) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        DeadLetters.addSource(headers, reason, record.topic(), record.partition(), record.offset());
        DeadLetters.addTenant(headers, tenant);
        return new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, record.key(), record.value(), headers);
    }

    /** The results of the poll's tasks in these partitions, in the poll's order. */
    private static List<ProducerRecord<String, byte[]>> results(ConsumerRecords<String, byte[]> records,
            Map<ConsumerRecord<String, byte[]>, Answer> answers, Set<TopicPartition> partitions) {
        List<ProducerRecord<String, byte[]>> results = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            Answer answer = answers.get(record);
            if (answer != null && answer.record() != null
                    && partitions.contains(new TopicPartition(record.topic(), record.partition()))) {
                results.add(answer.record());
            }
        }
        return results;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<String, byte[]> records,
            Set<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            List<ConsumerRecord<String, byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /**
     * After an abort: back to the last committed offsets of the poll's {@code partitions} this worker still owns, so
     * their tasks are read again.
     */
    private void rewind(ConsumerRecords<String, byte[]> records, Set<TopicPartition> partitions) {
        Set<TopicPartition> owned = new HashSet<>(partitions);
        owned.retainAll(consumer.assignment());
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(owned);
        for (TopicPartition partition : owned) {
            OffsetAndMetadata offset = committed.get(partition);
            consumer.seek(partition, offset == null ? records.records(partition).get(0).offset() : offset.offset());
        }
    }

    /** Waits one poll timeout before the poll is read again, so that a broker outage is not retried in a busy loop. */
    private void pause() {
        sleep(settings.pollTimeout());
    }

    /** Waits; an interrupt (shutdown) stops the worker. */
    private void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    boolean isRunning() {
        return running;
    }

    /** Whether the worker stopped because a newer instance with the same transactional id took over. */
    boolean isFenced() {
        return fenced;
    }

    void stop() {
        running = false;
        consumer.wakeup();
    }

    String agent() {
        return agent;
    }
}
