package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.config.AgentServiceConfig;
import dev.switchboard.agent.config.AgentServiceConfigTest;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.TopicWriter;

/**
 * Two instances of an agent's worker in its group, rebalancing cooperatively on a real broker: a second instance
 * joins while the first is still answering a poll. The first commits that poll's results and offsets in the
 * generation it read them in (the group waits for it to poll again), then gives up only the partitions the
 * second takes; every task gets exactly one committed result and none is run twice.
 */
class AgentWorkerRebalanceIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final int SESSIONS = 12;

    final EmbeddedKafka kafka = EmbeddedKafka.shared();
    final List<WorkerSupervisor> supervisors = new ArrayList<>();
    final List<ExecutorService> bulkheads = new ArrayList<>();
    final List<KafkaProducer<?, ?>> producers = new ArrayList<>();
    /** Which instance ran each task, as often as it ran it, by task id. */
    final Map<String, List<String>> runs = new ConcurrentHashMap<>();

    @AfterEach
    void stop() throws InterruptedException {
        supervisors.forEach(WorkerSupervisor::stop);
        for (WorkerSupervisor supervisor : supervisors) {
            supervisor.join(Duration.ofSeconds(30));
        }
        bulkheads.forEach(ExecutorService::shutdownNow);
        producers.forEach(KafkaProducer::close);
    }

    @Test
    void aRebalanceWhileAPollIsAnsweredCommitsThatPollOnceAndEveryTaskGetsOneResult() throws Exception {
        String agent = "rebalanced-agent";
        kafka.provisionAgents(List.of(agent));
        new TopicProvisioner(kafka.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1,
                kafka.clientProperties(BrokerAccess.ADMIN)).ensure(Topics.all(List.of(agent)));
        CountDownLatch release = new CountDownLatch(1);
        Set<String> holding = ConcurrentHashMap.newKeySet();

        start(agent, "instance-a", task -> {
            if (release.getCount() > 0) {
                holding.add(task.getTaskId());
                hold(release);
            }
            return AgentWorkerFailuresIT.reply(task, "echo: " + task.getText());
        });
        List<AgentTask> held = send(agent, "held");
        await().atMost(WAIT).until(() -> !holding.isEmpty());

        // the second instance joins while the first is in the middle of a poll
        start(agent, "instance-b", task -> AgentWorkerFailuresIT.reply(task, "echo: " + task.getText()));
        Thread.sleep(3000);
        Set<String> heldPoll = Set.copyOf(holding);
        release.countDown();

        List<AgentTask> later = send(agent, "later");
        Set<String> all = Stream.concat(ids(held).stream(), ids(later).stream()).collect(Collectors.toSet());
        await().atMost(WAIT).until(() -> committedResults(agent).keySet().containsAll(all));
        Thread.sleep(2000); // anything written twice would show by now
        Map<String, Integer> results = committedResults(agent);
        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(all);
        assertThat(results).as("one committed result per task").allSatisfy((task, count) -> assertThat(count).isEqualTo(1));
        assertThat(runs).as("no task run twice").allSatisfy((task, by) -> assertThat(by).hasSize(1));
        assertThat(heldPoll).as("the poll being answered when the second instance joined was committed by the first")
                .allSatisfy(task -> assertThat(runs.get(task)).containsExactly("instance-a"));

        try (Admin admin = Admin.create(kafka.clientProperties(BrokerAccess.ADMIN))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(AgentWorkers.groupOf(agent)))
                    .all().get().get(AgentWorkers.groupOf(agent));
            assertThat(group.partitionAssignor()).isEqualTo("cooperative-sticky");
            assertThat(group.members()).extracting(MemberDescription::groupInstanceId)
                    .extracting(id -> id.orElse(null))
                    .containsExactlyInAnyOrder("agent-" + agent + "-instance-a", "agent-" + agent + "-instance-b");
            assertThat(group.members()).as("both instances hold partitions")
                    .allSatisfy(member -> assertThat(member.assignment().topicPartitions()).isNotEmpty());
        }
        assertThat(runs.values().stream().flatMap(List::stream).collect(Collectors.toSet()))
                .as("both instances answered tasks").containsExactlyInAnyOrder("instance-a", "instance-b");
    }

    private static void hold(CountDownLatch latch) {
        try {
            latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One instance's worker, as the host builds it, with the services' group assignor (cooperative). */
    private void start(String agent, String instance, Function<AgentTask, AgentResult> runner) {
        AgentServiceConfig config = AgentServiceConfigTest.config(Map.of("switchboard.agent-service.instance-id", instance));
        ExecutorService sessions = AgentWorkers.bulkhead(agent, 4);
        bulkheads.add(sessions);
        Map<String, Object> deadLetterSettings = new HashMap<>(kafka.clientProperties(BrokerAccess.AGENT_SERVICE));
        deadLetterSettings.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<String, byte[]> deadLetters = new KafkaProducer<>(deadLetterSettings, new StringSerializer(),
                new ByteArraySerializer());
        producers.add(deadLetters);
        Map<String, Object> as = kafka.clientProperties(BrokerAccess.agentPrincipal(agent));
        Map<String, Object> consumerSettings = new HashMap<>(Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                KafkaClientConfig.COOPERATIVE_ASSIGNOR));
        consumerSettings.putAll(AgentWorkers.consumerSettings(config, agent));
        Map<String, Object> producerSettings = AgentWorkers.producerSettings(config, agent);
        Function<AgentTask, AgentResult> counted = task -> {
            runs.computeIfAbsent(task.getTaskId(), id -> new CopyOnWriteArrayList<>()).add(instance);
            return runner.apply(task);
        };
        WorkerSupervisor supervisor = new WorkerSupervisor(agent, () -> new AgentWorker(agent,
                new KafkaConsumer<>(AgentWorkerFailuresIT.with(as, consumerSettings), new StringDeserializer(),
                        new ByteArrayDeserializer()),
                new KafkaProducer<>(AgentWorkerFailuresIT.with(as, producerSettings), new StringSerializer(),
                        new ByteArraySerializer()),
                deadLetters, counted, sessions, AgentWorkers.workerSettings(config, producerSettings)),
                Duration.ofMillis(200));
        supervisors.add(supervisor);
        supervisor.start();
    }

    /** One task for each of {@value #SESSIONS} sessions, spread over the topic's partitions. */
    private List<AgentTask> send(String agent, String text) {
        List<AgentTask> sent = new ArrayList<>();
        for (int i = 0; i < SESSIONS; i++) {
            String session = agent + "-" + text + "-" + i + "-" + UUID.randomUUID();
            AgentTask task = AgentBulkheadTest.task(agent, session);
            task.setText(text + " " + i);
            TopicWriter.send(kafka.bootstrapServers(), Topics.agentTasks(agent), session, task);
            sent.add(task);
        }
        return sent;
    }

    private static Set<String> ids(List<AgentTask> tasks) {
        return tasks.stream().map(AgentTask::getTaskId).collect(Collectors.toSet());
    }

    /** How many committed results each task of this agent has on {@code agent.results.raw}, read to the end. */
    private Map<String, Integer> committedResults(String agent) {
        Map<String, Object> settings = new HashMap<>(kafka.clientProperties(BrokerAccess.ADMIN));
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Integer> counts = new HashMap<>();
        try (KafkaConsumer<String, AgentResult> consumer = new KafkaConsumer<>(settings,
                new StringDeserializer(), Topics.AGENT_RESULTS_RAW.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AGENT_RESULTS_RAW.name()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey()) < end.getValue())) {
                for (ConsumerRecord<String, AgentResult> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && agent.equals(record.value().getAgent())) {
                        counts.merge(record.value().getTaskId(), 1, Integer::sum);
                    }
                }
            }
        }
        return counts;
    }
}
