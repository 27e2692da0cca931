package dev.switchboard.supervisor.config;

import java.util.List;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the supervisor routes turns and which limits it grants to a task. */
@ConfigMapping(prefix = "switchboard.supervisor")
public interface SupervisorConfig {

    /** The agent every turn goes to until routing rules exist. */
    @WithDefault("concierge")
    String defaultAgent();

    /** Scopes granted to the first agent of a turn. */
    @WithDefault("chat")
    List<String> defaultScopes();

    /** Iterations of the agent loop a task may use. */
    @WithDefault("8")
    int maxIterations();

    /** Tokens (input plus output) a task may use. */
    @WithDefault("16000")
    long maxTokens();

    /** Agents a turn may pass through: the first agent plus handoffs. */
    @WithDefault("4")
    int maxHops();

    /** Messages of recent history passed to the agent. */
    @WithDefault("10")
    int historyMessages();
}
