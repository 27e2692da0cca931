package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.Results;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.schemas.Topics;

/**
 * Two agents' workers, on in-memory Kafka clients: one agent's model hangs on every task, the other's answers at
 * once. Each has its own bulkhead, so the slow one cannot take the threads the fast one's sessions need.
 */
class AgentBulkheadTest {

    static final int CONCURRENCY = 2;

    final List<AgentWorker> workers = new ArrayList<>();
    final List<Thread> threads = new ArrayList<>();
    final List<ExecutorService> bulkheads = new ArrayList<>();
    final CountDownLatch slowModel = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        slowModel.countDown();
        workers.forEach(AgentWorker::stop);
        for (Thread thread : threads) {
            thread.join(5_000);
        }
        bulkheads.forEach(ExecutorService::shutdownNow);
    }

    static AgentTask task(String agent, String session) {
        // built here rather than with AgentRunnerTest's helper, whose class starts a tool process
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("acme")
                .setSessionId(session).setTurnId("t1").setPrincipal(new Principal("acme", "alice", Map.of()))
                .setChannel("webchat").setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        return AgentTask.newBuilder().setEnvelope(envelope).setTaskId(envelope.getEventId()).setAgent(agent)
                .setText("hello").setHistory(List.of()).setGrantedScopes(List.of("chat")).setMaxIterations(3)
                .setMaxTokens(1000).setTicket("ticket-of-" + envelope.getEventId()).build();
    }

    MockProducer<String, byte[]> start(String agent, Function<AgentTask, AgentResult> runner, int sessions) {
        TopicPartition partition = new TopicPartition(Topics.agentTasks(agent).name(), 0);
        MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(partition));
            consumer.updateBeginningOffsets(Map.of(partition, 0L));
            for (int i = 0; i < sessions; i++) {
                AgentTask task = task(agent, agent + "-session-" + i);
                byte[] value = Topics.agentTasks(agent).valueSerde().serializer().serialize(partition.topic(), task);
                consumer.addRecord(new ConsumerRecord<>(partition.topic(), 0, i, task.getEnvelope().getSessionId(), value));
            }
        });
        MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        ExecutorService bulkhead = AgentWorkers.bulkhead(agent, CONCURRENCY);
        bulkheads.add(bulkhead);
        AgentWorker worker = new AgentWorker(agent, consumer, producer, producer, runner, bulkhead,
                new AgentWorker.Settings(Duration.ofMillis(20), 1024 * 1024, 5, Duration.ofMillis(20)));
        workers.add(worker);
        Thread thread = new Thread(worker, "agent-worker-" + agent);
        threads.add(thread);
        thread.start();
        return producer;
    }

    @Test
    void aSlowAgentUsesOnlyItsOwnThreadsAndAnotherAgentsSessionsGoOn() {
        Set<String> slowThreads = ConcurrentHashMap.newKeySet();
        start("slow-agent", task -> {
            slowThreads.add(Thread.currentThread().getName());
            try {
                slowModel.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Results.failure(task, "timeout");
        }, 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> slowThreads.size() == CONCURRENCY);

        Set<String> fastThreads = ConcurrentHashMap.newKeySet();
        MockProducer<String, byte[]> fast = start("fast-agent", task -> {
            fastThreads.add(Thread.currentThread().getName());
            return Results.failure(task, "done");
        }, 6);

        // all six of the fast agent's sessions answered and committed while the slow agent holds all its threads
        await().atMost(Duration.ofSeconds(10)).until(() -> fast.history().size() == 6);
        assertThat(fast.transactionCommitted()).isTrue();
        assertThat(slowThreads).hasSize(CONCURRENCY).allMatch(name -> name.startsWith("agent-slow-agent-session-"));
        assertThat(fastThreads).isNotEmpty().hasSizeLessThanOrEqualTo(CONCURRENCY)
                .allMatch(name -> name.startsWith("agent-fast-agent-session-"));
    }
}
