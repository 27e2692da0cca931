package dev.switchboard.supervisor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;

import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * Resolves the {@link TenantPolicy} of a tenant. A policy published on {@code supervisor.policies} replaces the
 * tenant's configured rules (and its default agent and budgets where it sets them); without one, the
 * configuration applies. Compiled policies are cached per published version, since every turn needs one.
 */
public final class TenantPolicies {

    private static final Logger LOG = Logger.getLogger(TenantPolicies.class);

    private final SupervisorConfig config;
    private final Map<String, TenantPolicy> configured;
    private final Map<String, Compiled> published = new ConcurrentHashMap<>();

    private record Compiled(SupervisorPolicy source, TenantPolicy policy) {
    }

    public TenantPolicies(SupervisorConfig config) {
        this.config = config;
        this.configured = config.tenants().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, tenant -> fromConfiguration(tenant.getValue())));
    }

    /**
     * @param published the tenant's run-time policy, or null
     */
    public TenantPolicy of(String tenant, SupervisorPolicy published) {
        TenantPolicy base = configured.getOrDefault(tenant, defaults());
        if (published == null) {
            return base;
        }
        Compiled cached = this.published.get(tenant);
        if (cached == null || !cached.source().equals(published)) {
            cached = new Compiled(published, fromPolicy(published, base));
            this.published.put(tenant, cached);
        }
        return cached.policy();
    }

    /**
     * Checks a policy before it is published, so that the topic only ever holds policies the supervisor can apply.
     *
     * @throws IllegalArgumentException naming the first invalid rule or budget
     */
    public static void validate(SupervisorPolicy policy) {
        for (int i = 0; i < policy.getRules().size(); i++) {
            RoutingRule rule = policy.getRules().get(i);
            try {
                TenantPolicy.Rule.of(rule.getPattern(), rule.getChannel(), rule.getAttribute(), rule.getAgent());
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("rule " + i + ": invalid pattern: " + e.getDescription());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rule " + i + ": " + e.getMessage());
            }
        }
        if (policy.getSessionTokens() != null && policy.getSessionTokens() < 0
                || policy.getDailyTokens() != null && policy.getDailyTokens() < 0) {
            throw new IllegalArgumentException("budgets must not be negative");
        }
    }

    private TenantPolicy defaults() {
        return new TenantPolicy(List.of(), config.defaultAgent(), config.budgets().sessionTokens(),
                config.budgets().dailyTokens(), "configuration");
    }

    private TenantPolicy fromConfiguration(SupervisorConfig.TenantRouting tenant) {
        List<TenantPolicy.Rule> rules = tenant.rules().stream()
                .map(rule -> TenantPolicy.Rule.of(rule.pattern().orElse(null), rule.channel().orElse(null),
                        rule.attribute().orElse(null), rule.agent()))
                .toList();
        return new TenantPolicy(rules, tenant.defaultAgent().orElse(config.defaultAgent()),
                tenant.sessionTokens().orElse(config.budgets().sessionTokens()),
                tenant.dailyTokens().orElse(config.budgets().dailyTokens()), "configuration");
    }

    private static TenantPolicy fromPolicy(SupervisorPolicy policy, TenantPolicy base) {
        List<TenantPolicy.Rule> rules = new ArrayList<>();
        for (RoutingRule rule : policy.getRules()) {
            try {
                rules.add(TenantPolicy.Rule.of(rule.getPattern(), rule.getChannel(), rule.getAttribute(), rule.getAgent()));
            } catch (IllegalArgumentException e) {
                // Published around the HTTP validation: skip the rule rather than stop routing for everyone.
                LOG.warnf("Skipping invalid routing rule of tenant %s: %s", policy.getTenant(), e.getMessage());
            }
        }
        return new TenantPolicy(List.copyOf(rules),
                policy.getDefaultAgent() != null ? policy.getDefaultAgent() : base.defaultAgent(),
                policy.getSessionTokens() != null ? policy.getSessionTokens() : base.sessionTokens(),
                policy.getDailyTokens() != null ? policy.getDailyTokens() : base.dailyTokens(),
                "policy topic");
    }
}
