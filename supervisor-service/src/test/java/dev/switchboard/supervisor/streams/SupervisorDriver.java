package dev.switchboard.supervisor.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.switchboard.events.AgentTask;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.DescriptionRouter;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.config.SupervisorConfig;

/** The supervisor's real topology in a {@link TopologyTestDriver}, with the catalog's topics. */
final class SupervisorDriver implements AutoCloseable {

    /** Wall-clock start of every driver: a fixed day, so tenant budgets are counted on a known date. */
    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    /** A supervisor configuration for tests. */
    record Config(String defaultAgent, List<String> defaultScopes, int maxHops, int maxIterations, long maxTokens,
            int historyMessages, Map<String, TenantRouting> tenants, Budgets budgets, Timeouts timeouts, Router router,
            SessionExpiry sessions)
            implements SupervisorConfig {

        /** Idle sessions: forgotten after {@code idle}, looked for every {@code interval}, at most {@code batch} at once. */
        record SessionExpiry(Duration idle, Duration interval, int batch) {
        }

        @Override
        public Duration sessionIdleExpiry() {
            return sessions.idle();
        }

        @Override
        public Duration sessionExpiryInterval() {
            return sessions.interval();
        }

        @Override
        public int sessionExpiryBatch() {
            return sessions.batch();
        }

        record BudgetLimits(long sessionTokens, long dailyTokens) implements Budgets {
        }

        record TimeoutSettings(Duration task, Duration grace, Duration checkInterval, Duration settledRetention)
                implements Timeouts {
        }

        record RouterSettings(boolean enabled, double minScore) implements Router {
        }

        record Rule(Optional<String> pattern, Optional<String> channel, Optional<String> attribute, String agent)
                implements RoutingRule {
        }

        record Tenant(List<RoutingRule> rules, Optional<String> defaultAgent, OptionalLong sessionTokens,
                OptionalLong dailyTokens) implements TenantRouting {
            static Tenant withRules(RoutingRule... rules) {
                return new Tenant(List.of(rules), Optional.empty(), OptionalLong.empty(), OptionalLong.empty());
            }
        }

        static Config of(String defaultAgent, List<String> defaultScopes, int maxHops, int historyMessages) {
            return new Config(defaultAgent, defaultScopes, maxHops, 8, 16000, historyMessages, Map.of(),
                    new BudgetLimits(1_000_000, 10_000_000),
                    new TimeoutSettings(Duration.ofSeconds(60), Duration.ofSeconds(5), Duration.ofSeconds(1),
                            Duration.ofDays(7)),
                    new RouterSettings(true, 0.25),
                    new SessionExpiry(Duration.ofHours(24), Duration.ofMinutes(1), 1000));
        }

        Config withLimits(int maxIterations, long maxTokens) {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants,
                    budgets, timeouts, router, sessions);
        }

        Config withTenants(Map<String, TenantRouting> tenants) {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants,
                    budgets, timeouts, router, sessions);
        }

        Config withBudgets(long sessionTokens, long dailyTokens) {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants,
                    new BudgetLimits(sessionTokens, dailyTokens), timeouts, router, sessions);
        }

        Config withoutRouter() {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants,
                    budgets, timeouts, new RouterSettings(false, router.minScore()), sessions);
        }

        Config withSessionExpiry(Duration idle, Duration interval, int batch) {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants,
                    budgets, timeouts, router, new SessionExpiry(idle, interval, batch));
        }

        static RoutingRule rule(String pattern, String channel, String attribute, String agent) {
            return new Rule(Optional.ofNullable(pattern), Optional.ofNullable(channel), Optional.ofNullable(attribute), agent);
        }
    }

    /** The tests' ticket key: the {@code %test} value of {@code switchboard.tasks.ticket-key}, shared with compliance's tests. */
    static final String TICKET_KEY = "c3dpdGNoYm9hcmQtdGVzdC10aWNrZXQta2V5LTMyYnl0ZXMh";
    static final TaskTickets TICKETS = TaskTickets.fromBase64(TICKET_KEY);

    final TopologyTestDriver driver;

    SupervisorDriver(SupervisorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "supervisor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                new TopologyProducer().topology(config, new DescriptionRouter(config.router().minScore()),
                        new TenantPolicies(config), TICKETS), props, START);
    }

    <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    <V> TestOutputTopic<String, V> output(Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }

    TestOutputTopic<String, AgentTask> tasksOf(String agent) {
        return output(Topics.agentTasks(agent));
    }

    /** When the settled-ids window store holds {@code taskId} as settled, over all time. */
    static List<Long> settledAt(SupervisorDriver supervisor, String taskId) {
        WindowStore<String, Long> settled = supervisor.driver.getWindowStore(TopologyProducer.SETTLED_STORE);
        List<Long> times = new ArrayList<>();
        try (WindowStoreIterator<Long> found = settled.fetch(taskId, 0L, Long.MAX_VALUE)) {
            found.forEachRemaining(entry -> times.add(entry.key));
        }
        return times;
    }

    @Override
    public void close() {
        driver.close();
    }
}
