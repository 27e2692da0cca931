package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.Results;
import dev.switchboard.events.AgentTask;
import dev.switchboard.schemas.Topics;

/**
 * A poll answered while the group rebalanced, on in-memory Kafka clients that play the broker's part: the commit of its
 * stale generation is refused, the worker rejoins without taking new tasks, writes the results of the partition it
 * gives up in the revocation callback, and those of the partition it keeps in the new generation. Every task runs once.
 */
class AgentWorkerRebalanceTest {

    static final String AGENT = "cooperative-agent";
    static final TopicPartition KEPT = new TopicPartition(Topics.agentTasks(AGENT).name(), 0);
    static final TopicPartition REVOKED = new TopicPartition(Topics.agentTasks(AGENT).name(), 1);

    /** A member of the group whose generation the test moves on, as the coordinator would. */
    static final class Member extends MockConsumer<String, byte[]> {
        volatile int generation = 1;

        Member() {
            super("earliest");
        }

        @Override
        public ConsumerGroupMetadata groupMetadata() {
            return new ConsumerGroupMetadata(AgentWorkers.groupOf(AGENT), generation, "member-" + generation,
                    Optional.empty());
        }
    }

    /** A transactional producer whose next offset commit the broker refuses for a stale generation. */
    static final class Producer extends MockProducer<String, byte[]> {
        final AtomicInteger refusals = new AtomicInteger(1);
        /** The generation each committed set of offsets was sent with, in order. */
        final List<Integer> generations = new CopyOnWriteArrayList<>();

        Producer() {
            super(true, null, new StringSerializer(), new ByteArraySerializer());
        }

        @Override
        public void sendOffsetsToTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                ConsumerGroupMetadata group) {
            if (refusals.getAndDecrement() > 0) {
                throw new CommitFailedException("Transaction offset Commit failed due to consumer group metadata "
                        + "mismatch: Specified group generation id is not valid.");
            }
            generations.add(group.generationId());
            super.sendOffsetsToTransaction(offsets, group);
        }
    }

    AgentWorker worker;
    Thread thread;
    ExecutorService bulkhead;

    @AfterEach
    void stop() throws InterruptedException {
        worker.stop();
        thread.join(5_000);
        bulkhead.shutdownNow();
    }

    @Test
    void aPollWhoseGenerationIsGoneIsWrittenOnceRevokedPartFirstWithoutRunningAnyTaskAgain() {
        Member consumer = new Member();
        AgentTask kept = AgentBulkheadTest.task(AGENT, "session-kept");
        AgentTask revoked = AgentBulkheadTest.task(AGENT, "session-revoked");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(KEPT, REVOKED));
            consumer.updateBeginningOffsets(Map.of(KEPT, 0L, REVOKED, 0L));
            consumer.addRecord(record(KEPT, kept));
            consumer.addRecord(record(REVOKED, revoked));
        });
        // The next poll is the worker's rejoin: the group's new generation gives the second partition to another member.
        consumer.schedulePollTask(() -> {
            consumer.generation = 2;
            consumer.rebalance(List.of(KEPT));
        });
        Producer producer = new Producer();
        Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        bulkhead = AgentWorkers.bulkhead(AGENT, 2);
        worker = new AgentWorker(AGENT, consumer, producer, producer, task -> {
            runs.computeIfAbsent(task.getTaskId(), id -> new AtomicInteger()).incrementAndGet();
            return Results.failure(task, "answered");
        }, bulkhead, new AgentWorker.Settings(Duration.ofMillis(20), 1024 * 1024, 5, Duration.ofMillis(20)));
        thread = new Thread(worker, "agent-worker-" + AGENT);
        thread.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> producer.history().size() == 2);
        assertThat(producer.consumerGroupOffsetsHistory()).as("the revoked partition before it left, then the kept one")
                .containsExactly(Map.of(AgentWorkers.groupOf(AGENT), Map.of(REVOKED, new OffsetAndMetadata(1))),
                        Map.of(AgentWorkers.groupOf(AGENT), Map.of(KEPT, new OffsetAndMetadata(1))));
        assertThat(producer.generations).as("both in the new generation").containsExactly(2, 2);
        assertThat(producer.history()).extracting(ProducerRecord::key)
                .containsExactly("session-revoked", "session-kept");
        assertThat(runs).as("no task run again").hasSize(2)
                .allSatisfy((task, count) -> assertThat(count).hasValue(1));
        assertThat(consumer.paused()).as("consuming the kept partition again").doesNotContain(KEPT);
        assertThat(worker.isRunning()).isTrue();
    }

    private static ConsumerRecord<String, byte[]> record(TopicPartition partition, AgentTask task) {
        return new ConsumerRecord<>(partition.topic(), partition.partition(), 0, task.getEnvelope().getSessionId(),
                Topics.agentTasks(AGENT).valueSerde().serializer().serialize(partition.topic(), task));
    }
}
