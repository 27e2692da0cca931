package dev.switchboard.agent.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which agents this instance hosts. */
@ConfigMapping(prefix = "switchboard.agent-service")
public interface AgentServiceConfig {

    /** Ids of the hosted agents; the {@code agent-tasks} channel must subscribe to each one's task topic. */
    @WithDefault("concierge")
    List<String> agents();
}
