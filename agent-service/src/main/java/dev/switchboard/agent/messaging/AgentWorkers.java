package dev.switchboard.agent.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.switchboard.agent.AgentRunner;
import dev.switchboard.agent.config.AgentBrokerCredentials;
import dev.switchboard.agent.config.AgentServiceConfig;
import dev.switchboard.agent.model.OfflineModel;
import dev.switchboard.agent.sdk.definition.AgentCatalog;
import dev.switchboard.agent.tools.AgentToolProcesses;
import dev.switchboard.agent.tools.ToolSettings;
import dev.switchboard.agent.model.providers.ModelRegistry;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Starts one {@link AgentWorker} per hosted agent: each reads its own task topic
 * ({@code agent.<id>.tasks}) in its own consumer group ({@code switchboard-agent-<id>}), so each agent
 * scales on its own, and writes {@code agent.results.raw} transactionally, both as the agent's own broker
 * principal ({@code agent-<id>}, {@link AgentBrokerCredentials}). At start it publishes the hosted agents'
 * declarations to {@code agents.catalog} as the service's principal ({@code agent-service}), which also writes
 * the dead letters of every worker. Start fails, naming the key, when a hosted agent has no broker password.
 *
 * <p>Each agent has its own bulkhead, a pool of {@code concurrency} session threads, and polls at most
 * {@code max-poll-records} tasks (default: the concurrency) at a time. Each agent's worker runs under a
 * {@link WorkerSupervisor}, which replaces it, with new clients, when it stops unexpectedly.
 */
@ApplicationScoped
public class AgentWorkers {

    /** The consumer group of an agent: every instance hosting it shares it. */
    public static String groupOf(String agent) {
        return "switchboard-agent-" + agent;
    }

    /** The broker's default {@code message.max.bytes}, for a topic the catalog gives no {@code max.message.bytes}. */
    static final int BROKER_MAX_MESSAGE_BYTES = 1024 * 1024 + 12;

    private final AgentServiceConfig config;
    private final ModelRegistry models;
    private final KafkaClientConfig kafka;
    private final AgentBrokerCredentials credentials;
    private final List<WorkerSupervisor> workers = new ArrayList<>();
    private final List<ExecutorService> bulkheads = new ArrayList<>();
    private KafkaProducer<String, byte[]> deadLetters;
    private AgentRunner runner;

    AgentWorkers(AgentServiceConfig config, ModelRegistry models, KafkaClientConfig kafka,
            AgentBrokerCredentials credentials) {
        this.config = config;
        this.models = models;
        this.kafka = kafka;
        this.credentials = credentials;
    }

    void start(@Observes StartupEvent startup) {
        // Each agent runs on the model configured for it, else the one its @Agent names; offline when that
        // name has no model configured.
        // Each agent's code runs in a tool process of its own, after its bytecode passed the code rules.
        AgentCatalog catalog = AgentRunner.discoverAgents();
        ToolSettings tools = ToolSettings.of(config);
        runner = new AgentRunner(config.agents(), catalog, definition -> models
                .model(config.models().getOrDefault(definition.id(), definition.model()))
                .orElseGet(() -> new OfflineModel(definition.id())),
                definition -> AgentToolProcesses.start(definition, AgentRunner.agentClassNames(catalog), tools));
        // Every agent's credentials first: a missing password fails start before anything is consumed.
        config.agents().forEach(agent -> credentials.connection(agent, Map.of()));
        AgentCatalogPublisher.publish(kafka, runner.definitions());
        deadLetters = deadLetterProducer();
        for (String agent : config.agents()) {
            // One bulkhead per agent: its sessions run on its own threads, so an agent whose model or tools are
            // slow uses up only its own concurrency, never another agent's.
            ExecutorService sessions = bulkhead(agent, config.concurrency());
            bulkheads.add(sessions);
            Map<String, Object> producerSettings = producerSettings(config, agent);
            AgentWorker.Settings settings = workerSettings(config, producerSettings);
            // A worker that stops unexpectedly is replaced by a new one, with new clients.
            WorkerSupervisor worker = new WorkerSupervisor(agent, () -> new AgentWorker(agent, consumer(agent),
                    producer(agent, producerSettings), deadLetters, runner::run, sessions, settings),
                    config.restartBackoff());
            workers.add(worker);
            worker.start();
        }
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        workers.forEach(WorkerSupervisor::stop);
        for (WorkerSupervisor worker : workers) {
            worker.join(Duration.ofSeconds(30));
        }
        bulkheads.forEach(ExecutorService::shutdownNow);
        if (deadLetters != null) {
            deadLetters.close();
        }
        if (runner != null) {
            runner.close();
        }
    }

    /** The agents whose worker has stopped (empty when all are consuming). */
    public List<String> stoppedAgents() {
        return workers.stream().filter(worker -> !worker.isRunning()).map(WorkerSupervisor::agent).toList();
    }

    /** The agents whose worker stopped for good: a newer instance with the same transactional id took over. */
    public List<String> fencedAgents() {
        return workers.stream().filter(WorkerSupervisor::isFenced).map(WorkerSupervisor::agent).toList();
    }

    /**
     * The bulkhead of one agent: {@code concurrency} threads of its own, named after it, on which its sessions run;
     * tasks beyond that wait in its queue (at most one poll's worth, {@code max-poll-records}).
     */
    static ExecutorService bulkhead(String agent, int concurrency) {
        AtomicInteger count = new AtomicInteger();
        return Executors.newFixedThreadPool(Math.max(1, concurrency), task -> {
            Thread thread = new Thread(task, "agent-" + agent + "-session-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The consumer settings of one agent (before its credentials are added). */
    static Map<String, Object> consumerSettings(AgentServiceConfig config, String agent) {
        return Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, groupOf(agent),
                // A static member: an instance killed and started again with the same instance id takes its
                // partitions back at once; one that does not come back is replaced after the session timeout.
                ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "agent-" + agent + "-" + config.instanceId(),
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000,
                ConsumerConfig.CLIENT_ID_CONFIG, "agent-" + agent + "-" + config.instanceId(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                // A poll is answered as a whole: about as many tasks as the agent runs at once.
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.pollRecords());
    }

    /** The settings of an agent's transactional producer (before its credentials are added). */
    static Map<String, Object> producerSettings(AgentServiceConfig config, String agent) {
        return Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "switchboard-agent-" + agent + "-" + config.instanceId(),
                ProducerConfig.CLIENT_ID_CONFIG, "agent-" + agent + "-results-" + config.instanceId(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                // A poll's transaction may start while the previous commit still completes
                // (CONCURRENT_TRANSACTIONS): retry after 10 ms, not the default 100 ms.
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
    }

    /**
     * How an agent's worker polls and writes. Its largest result is the lowest of {@code max-result-bytes}, the
     * producer's {@code max.request.size} and the results topic's {@code max.message.bytes} (the catalog's, else the
     * broker's default): a larger one would make the producer or the broker refuse the poll's transaction.
     */
    static AgentWorker.Settings workerSettings(AgentServiceConfig config, Map<String, Object> producerSettings) {
        int requestSize = Integer.parseInt(String.valueOf(producerSettings.getOrDefault(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))));
        int topicSize = Integer.parseInt(Topics.AGENT_RESULTS_RAW.configs().getOrDefault(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(BROKER_MAX_MESSAGE_BYTES)));
        int limit = Math.min(config.maxResultBytes(), Math.min(requestSize, topicSize));
        return new AgentWorker.Settings(config.pollTimeout(), limit, config.transactionRetries(),
                config.transactionBackoff());
    }

    /** An agent's consumer: its own settings in the services' consumer groups' assignor (cooperative), as the agent. */
    private KafkaConsumer<String, byte[]> consumer(String agent) {
        return new KafkaConsumer<>(credentials.connection(agent, kafka.groupConsumer(consumerSettings(config, agent))),
                new StringDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<String, byte[]> producer(String agent, Map<String, Object> settings) {
        return new KafkaProducer<>(credentials.connection(agent, settings), new StringSerializer(),
                new ByteArraySerializer());
    }

    /** The host's producer of dead letters, as {@code agent-service}: agents may write only their results. */
    private KafkaProducer<String, byte[]> deadLetterProducer() {
        return new KafkaProducer<>(kafka.with(Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "agent-service-deadletters-" + config.instanceId(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)),
                new StringSerializer(), new ByteArraySerializer());
    }
}
