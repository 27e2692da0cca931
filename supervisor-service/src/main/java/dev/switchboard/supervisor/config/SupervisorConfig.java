package dev.switchboard.supervisor.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the supervisor routes turns, which limits and budgets it grants, and how long it waits. Per-tenant
 * values here are the base; a tenant's {@code SupervisorPolicy} on {@code supervisor.policies} replaces its
 * rules and budgets at run time.
 */
@ConfigMapping(prefix = "switchboard.supervisor")
public interface SupervisorConfig {

    /** The agent a turn goes to when no earlier routing step picks one. */
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

    /**
     * How long a session may be idle (no turn, result or session control) before the supervisor forgets what it
     * keeps about it: its usage (so its session budget starts again) and its escalation (released, and audited
     * as such). Removed with tombstones, so the stores' changelogs compact them away.
     */
    @WithDefault("24h")
    Duration sessionIdleExpiry();

    /** How often each stream task looks for idle sessions; also the width of the buckets of its activity index. */
    @WithDefault("1m")
    Duration sessionExpiryInterval();

    /** The most idle sessions one look forgets, per stream task: the bound on the work of one punctuation. */
    @WithDefault("1000")
    int sessionExpiryBatch();

    /** Token budgets, per session and per tenant and day. */
    Budgets budgets();

    /** When the supervisor stops waiting for a task's result. */
    Timeouts timeouts();

    /** The router model, tried after the routing rules. */
    Router router();

    /** Routing rules and budgets per tenant id. */
    Map<String, TenantRouting> tenants();

    /** Token budgets: a dispatch needs tokens left in both; a task never gets more than is left. */
    interface Budgets {
        /** Tokens one session may use, until it is idle for {@code session-idle-expiry} (then it starts again). */
        @WithDefault("200000")
        long sessionTokens();

        /** Tokens one tenant may use per UTC day. */
        @WithDefault("5000000")
        long dailyTokens();
    }

    interface Timeouts {
        /** How long a task may take when the catalog does not say (an agent's own timeout wins). */
        @WithDefault("60s")
        Duration task();

        /** Added to the agent's own timeout, for the hops to and from the agent. */
        @WithDefault("5s")
        Duration grace();

        /** How often overdue tasks are looked for. */
        @WithDefault("1s")
        Duration checkInterval();

        /**
         * How long a settled task id is remembered, so that a redelivered result is not debited twice: the
         * retention of the window store of settled ids.
         */
        @WithDefault("7d")
        Duration settledRetention();
    }

    interface Router {
        /** Whether turns that no rule matches are routed by the agents' descriptions. */
        @WithDefault("true")
        boolean enabled();

        /** The least share of the turn's words an agent's description must match to be chosen (0..1). */
        @WithDefault("0.25")
        double minScore();
    }

    /** How one tenant's turns are routed, and its budgets. */
    interface TenantRouting {
        /** Ordered: the first rule that matches picks the agent. */
        List<RoutingRule> rules();

        /** The tenant's default agent, instead of the global one. */
        Optional<String> defaultAgent();

        OptionalLong sessionTokens();

        OptionalLong dailyTokens();
    }

    /** A declarative routing rule: it matches when every condition it sets holds. */
    interface RoutingRule {
        /** A regular expression searched in the cleared text, case-insensitive. */
        Optional<String> pattern();

        /** Only turns from this channel match. */
        Optional<String> channel();

        /** {@code name=value}: only principals with this attribute match. */
        Optional<String> attribute();

        /** The agent the rule routes to. */
        String agent();
    }
}
