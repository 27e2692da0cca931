package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.TaskMapping;
import dev.switchboard.agent.config.AgentServiceConfig;
import dev.switchboard.agent.config.AgentServiceConfigTest;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;

/**
 * An agent's worker on a real broker that enforces ACLs, with a runner that fails the way agents, tools and models do:
 * each failure stays with its task, the worker goes on with the next one, and a worker that stops is replaced unless
 * a newer instance fenced it. Each test hosts an agent of its own, so no test reads another's tasks.
 */
class AgentWorkerFailuresIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final AgentServiceConfig CONFIG = AgentServiceConfigTest.config(Map.of(
            "switchboard.agent-service.instance-id", "failures-it"));

    static EmbeddedKafka kafka;

    final List<WorkerSupervisor> supervisors = new ArrayList<>();
    final List<ExecutorService> bulkheads = new ArrayList<>();
    final List<KafkaProducer<?, ?>> producers = new ArrayList<>();
    /** How often each task was run, by task id. */
    final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

    @BeforeAll
    static void broker() {
        kafka = EmbeddedKafka.shared();
    }

    @AfterEach
    void stop() throws InterruptedException {
        supervisors.forEach(WorkerSupervisor::stop);
        for (WorkerSupervisor supervisor : supervisors) {
            supervisor.join(Duration.ofSeconds(30));
        }
        bulkheads.forEach(ExecutorService::shutdownNow);
        producers.forEach(KafkaProducer::close);
    }

    /** A new agent: its principal, ACLs and task topic. */
    static String agent(String id) {
        kafka.provisionAgents(List.of(id));
        new TopicProvisioner(kafka.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1,
                kafka.clientProperties(BrokerAccess.ADMIN)).ensure(Topics.all(List.of(id)));
        return id;
    }

    /** A reply that echoes the task's text, with some usage, as the loop would build it. */
    static AgentResult reply(AgentTask task, String text) {
        return AgentResult.newBuilder(TaskMapping.failure(task, "unused", "unused")).setOutcome(Outcome.REPLY)
                .setFailure(null).setReply(text).setUsage(new Usage(10L, 20L, 1)).setModel("scripted").build();
    }

    static int overflow(int depth) {
        return overflow(depth + 1) + 1;
    }

    /** Answers {@code throw} and {@code overflow} by failing, {@code big} with a reply of 2 MB, anything else with an echo. */
    AgentResult script(AgentTask task) {
        runs.computeIfAbsent(task.getTaskId(), id -> new AtomicInteger()).incrementAndGet();
        return switch (task.getText()) {
            case "throw" -> throw new IllegalStateException("provider key sk-secret-123 rejected");
            case "overflow" -> reply(task, "depth " + overflow(0));
            case "big" -> reply(task, "x".repeat(2 * 1024 * 1024));
            default -> reply(task, "echo: " + task.getText());
        };
    }

    static AgentWorker.Settings settings() {
        return AgentWorkers.workerSettings(CONFIG, AgentWorkers.producerSettings(CONFIG, "any"));
    }

    KafkaProducer<String, byte[]> producer(Map<String, Object> settings) {
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(settings, new StringSerializer(), new ByteArraySerializer());
        producers.add(producer);
        return producer;
    }

    /** The worker of {@code agent} as the host builds it: its own principal, group and transactional id. */
    Supplier<AgentWorker> workers(String agent, Function<AgentTask, AgentResult> runner, AgentWorker.Settings settings,
            Map<String, Object> producerSettings) {
        ExecutorService sessions = AgentWorkers.bulkhead(agent, 4);
        bulkheads.add(sessions);
        Map<String, Object> deadLetterSettings = new HashMap<>(kafka.clientProperties(BrokerAccess.AGENT_SERVICE));
        deadLetterSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<String, byte[]> deadLetters = producer(deadLetterSettings);
        Map<String, Object> as = kafka.clientProperties(BrokerAccess.agentPrincipal(agent));
        return () -> new AgentWorker(agent,
                new KafkaConsumer<>(with(as, AgentWorkers.consumerSettings(CONFIG, agent)), new StringDeserializer(),
                        new ByteArrayDeserializer()),
                new KafkaProducer<>(with(as, producerSettings), new StringSerializer(), new ByteArraySerializer()),
                deadLetters, runner, sessions, settings);
    }

    WorkerSupervisor start(String agent, Supplier<AgentWorker> workers) {
        WorkerSupervisor supervisor = new WorkerSupervisor(agent, workers, Duration.ofMillis(200));
        supervisors.add(supervisor);
        supervisor.start();
        return supervisor;
    }

    WorkerSupervisor start(String agent, AgentWorker.Settings settings) {
        return start(agent, workers(agent, this::script, settings, AgentWorkers.producerSettings(CONFIG, agent)));
    }

    static Map<String, Object> with(Map<String, Object> connection, Map<String, Object> settings) {
        Map<String, Object> all = new HashMap<>(connection);
        all.putAll(settings);
        return all;
    }

    static List<AgentTask> send(String agent, String session, String... texts) {
        List<AgentTask> sent = new ArrayList<>();
        for (String text : texts) {
            AgentTask task = AgentBulkheadTest.task(agent, session);
            task.setText(text);
            TopicWriter.send(kafka.bootstrapServers(), Topics.agentTasks(agent), session, task);
            sent.add(task);
        }
        return sent;
    }

    static List<AgentResult> results(String session, int count) {
        try (var results = TopicReader.fromBeginning(kafka.bootstrapServers(), Topics.AGENT_RESULTS_RAW)) {
            List<AgentResult> values = results.values(session, count, WAIT);
            assertThat(values).hasSize(count);
            return values;
        }
    }

    @Test
    void aTaskWhoseAgentThrowsOrOverflowsItsStackFailsAndTheNextTaskIsAnswered() {
        String agent = agent("throwing-agent");
        WorkerSupervisor worker = start(agent, settings());
        List<AgentTask> tasks = send(agent, "session-throws", "throw", "overflow", "after the failures");

        List<AgentResult> results = results("session-throws", 3);
        assertThat(results).extracting(AgentResult::getTaskId).containsExactlyElementsOf(
                tasks.stream().map(AgentTask::getTaskId).toList());
        for (AgentResult failed : results.subList(0, 2)) {
            assertThat(failed.getOutcome()).isEqualTo(Outcome.FAILURE);
            assertThat(failed.getFailure().getCode()).isEqualTo("agent_error");
            assertThat(failed.getFailure().getMessage()).doesNotContain("sk-secret").doesNotContain("StackOverflow");
            assertThat(failed.getTicket()).isEqualTo("ticket-of-" + failed.getTaskId());
        }
        assertThat(results.get(2).getOutcome()).isEqualTo(Outcome.REPLY);
        assertThat(results.get(2).getReply()).isEqualTo("echo: after the failures");

        // the same worker goes on consuming
        send(agent, "session-later", "later");
        assertThat(results("session-later", 1).get(0).getReply()).isEqualTo("echo: later");
        assertThat(worker.isRunning()).isTrue();
        assertThat(worker.started()).as("never restarted").isEqualTo(1);
    }

    @Test
    void aReplyLargerThanTheLimitBecomesResultTooLargeWithItsUsageAndTheNextTasksAreAnswered() {
        String agent = agent("oversized-agent");
        assertThat(settings().maxResultBytes()).as("the default limit").isEqualTo(1024 * 1024);
        WorkerSupervisor worker = start(agent, settings());
        List<AgentTask> tasks = send(agent, "session-big", "big", "after 1", "after 2");

        List<AgentResult> results = results("session-big", 3);
        AgentResult tooLarge = results.get(0);
        assertThat(tooLarge.getTaskId()).isEqualTo(tasks.get(0).getTaskId());
        assertThat(tooLarge.getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(tooLarge.getFailure().getCode()).isEqualTo("result_too_large");
        assertThat(tooLarge.getReply()).isNull();
        assertThat(tooLarge.getUsage().getInputTokens()).as("the tokens spent are still debited").isEqualTo(10L);
        assertThat(tooLarge.getTicket()).isEqualTo(tasks.get(0).getTicket());
        assertThat(results.subList(1, 3)).extracting(AgentResult::getReply).containsExactly("echo: after 1", "echo: after 2");
        assertThat(runs.values()).as("no task run twice").allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(worker.isRunning()).isTrue();
        assertThat(worker.started()).isEqualTo(1);
    }

    /**
     * With the size check off, the producer refuses the big result and aborts the poll's transaction every time: after
     * the retries, the tasks are written one by one and only the refused one fails; nothing is run twice.
     */
    @Test
    void aPollWhoseTransactionKeepsAbortingIsWrittenTaskByTaskAndOnlyTheRefusedResultFails() {
        String agent = agent("refused-agent");
        List<AgentTask> tasks = send(agent, "session-refused", "before", "big", "after");
        WorkerSupervisor worker = start(agent, new AgentWorker.Settings(Duration.ofMillis(100), Integer.MAX_VALUE, 2,
                Duration.ofMillis(50)));

        List<AgentResult> results = results("session-refused", 3);
        assertThat(results).extracting(AgentResult::getTaskId).containsExactlyElementsOf(
                tasks.stream().map(AgentTask::getTaskId).toList());
        assertThat(results.get(0).getReply()).isEqualTo("echo: before");
        assertThat(results.get(1).getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(results.get(1).getFailure().getCode()).isEqualTo("result_not_written");
        assertThat(results.get(1).getUsage().getInputTokens()).isEqualTo(10L);
        assertThat(results.get(2).getReply()).isEqualTo("echo: after");
        assertThat(runs.values()).as("no task run twice").allSatisfy(count -> assertThat(count).hasValue(1));

        send(agent, "session-refused-later", "later");
        assertThat(results("session-refused-later", 1).get(0).getReply()).isEqualTo("echo: later");
        assertThat(worker.isRunning()).isTrue();
        assertThat(worker.started()).isEqualTo(1);
    }

    @Test
    void aWorkerThatStopsUnexpectedlyIsReplacedByANewOne() {
        String agent = agent("restarted-agent");
        AtomicInteger built = new AtomicInteger();
        Map<String, Object> refused = new HashMap<>(AgentWorkers.producerSettings(CONFIG, agent));
        // a transactional id the agent's principal may not use: the first worker's producer fails at start
        refused.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "not-the-agents-" + agent);
        Supplier<AgentWorker> failing = workers(agent, this::script, settings(), refused);
        Supplier<AgentWorker> working = workers(agent, this::script, settings(), AgentWorkers.producerSettings(CONFIG, agent));
        WorkerSupervisor worker = start(agent, () -> built.incrementAndGet() == 1 ? failing.get() : working.get());

        send(agent, "session-restarted", "hello");
        assertThat(results("session-restarted", 1).get(0).getReply()).isEqualTo("echo: hello");
        assertThat(worker.started()).isEqualTo(2);
        assertThat(worker.isRunning()).isTrue();
    }

    @Test
    void aWorkerFencedByANewerInstanceStopsForGoodAndIsReportedStopped() {
        String agent = agent("fenced-agent");
        WorkerSupervisor worker = start(agent, settings());
        send(agent, "session-fenced", "first");
        assertThat(results("session-fenced", 1).get(0).getReply()).isEqualTo("echo: first");

        // a newer instance with the same transactional id
        KafkaProducer<String, byte[]> newer = producer(with(kafka.clientProperties(BrokerAccess.agentPrincipal(agent)),
                AgentWorkers.producerSettings(CONFIG, agent)));
        newer.initTransactions();
        send(agent, "session-fenced", "second");

        await().atMost(WAIT).until(() -> !worker.isRunning());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !worker.isRunning());
        assertThat(worker.started()).as("not restarted").isEqualTo(1);
    }
}
