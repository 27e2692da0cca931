package dev.switchboard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

public class AgentServiceConfigTest {

    public static AgentServiceConfig config(Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(AgentServiceConfig.class)
                // durations as Quarkus reads them (200ms)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
        return config.getConfigMapping(AgentServiceConfig.class);
    }

    @Test
    void aPollHoldsAsManyTasksAsTheAgentRunsAtOnceUnlessConfigured() {
        assertThat(config(Map.of()).pollRecords()).isEqualTo(8);
        assertThat(config(Map.of("switchboard.agent-service.concurrency", "3")).pollRecords()).isEqualTo(3);
        assertThat(config(Map.of("switchboard.agent-service.concurrency", "3",
                "switchboard.agent-service.max-poll-records", "5")).pollRecords()).isEqualTo(5);
    }
}
