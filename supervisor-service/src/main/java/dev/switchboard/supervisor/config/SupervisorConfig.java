package dev.switchboard.supervisor.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** Routing rules per tenant id, tried in order after the session's active agent. */
    Map<String, TenantRouting> tenants();

    /** How one tenant's turns are routed. */
    interface TenantRouting {
        /** Ordered: the first rule that matches picks the agent. */
        List<RoutingRule> rules();
    }

    /** A declarative routing rule: a pattern of the (cleared) text and, optionally, a channel. */
    interface RoutingRule {
        /** A regular expression searched in the text, case-insensitive. */
        String pattern();

        /** Only turns from this channel match (any channel when absent). */
        Optional<String> channel();

        /** The agent the rule routes to. */
        String agent();
    }

    /** Messages of recent history passed to the agent. */
    @WithDefault("10")
    int historyMessages();
}
