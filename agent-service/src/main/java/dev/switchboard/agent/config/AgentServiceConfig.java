package dev.switchboard.agent.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which agents this instance hosts, and how it consumes their tasks. */
@ConfigMapping(prefix = "switchboard.agent-service")
public interface AgentServiceConfig {

    /** Ids of the hosted agents: each is consumed from its own task topic by its own consumer group. */
    @WithDefault("concierge")
    List<String> agents();

    /** Sessions of one agent processed at the same time by this instance (one session is always in order). */
    @WithDefault("8")
    int concurrency();

    /**
     * Stable id of this instance, part of its transactional ids: it must differ between running
     * instances and stay the same across one instance's restarts.
     */
    @WithDefault("${HOSTNAME:local}")
    String instanceId();

    /**
     * Per-agent choice of model, overriding the name in the agent's {@code @Agent(model = ...)}:
     * {@code switchboard.agent-service.models."billing-agent"=claude}. Names refer to {@code switchboard.models.<name>}.
     */
    Map<String, String> models();

    /** How long a poll waits for tasks. */
    @WithDefault("200ms")
    Duration pollTimeout();
}
