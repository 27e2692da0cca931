package dev.switchboard.supervisor.streams;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import dev.switchboard.events.AgentTask;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

/** The supervisor's real topology in a {@link TopologyTestDriver}, with the catalog's topics. */
final class SupervisorDriver implements AutoCloseable {

    /** A supervisor configuration for tests. */
    record Config(String defaultAgent, List<String> defaultScopes, int maxHops, int maxIterations, long maxTokens,
            int historyMessages, Map<String, TenantRouting> tenants) implements SupervisorConfig {

        static Config of(String defaultAgent, List<String> defaultScopes, int maxHops, int historyMessages) {
            return new Config(defaultAgent, defaultScopes, maxHops, 8, 16000, historyMessages, Map.of());
        }

        Config withLimits(int maxIterations, long maxTokens) {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants);
        }

        Config withTenants(Map<String, TenantRouting> tenants) {
            return new Config(defaultAgent, defaultScopes, maxHops, maxIterations, maxTokens, historyMessages, tenants);
        }
    }

    final TopologyTestDriver driver;

    SupervisorDriver(SupervisorConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "supervisor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(new TopologyProducer().topology(config), props);
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

    @Override
    public void close() {
        driver.close();
    }
}
