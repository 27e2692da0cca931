package dev.switchboard.compliance.policy;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.events.CompliancePolicy;

/**
 * Resolves a tenant's {@link TenantPolicy}: the configured defaults, then the tenant's configuration, then the
 * tenant's policy published on {@code compliance.policies} (each naming only what it changes). Safe by default:
 * everything is redacted and injected instructions are blocked unless configured otherwise.
 */
public final class TenantPolicies {

    private final TenantPolicy defaults;
    private final Map<String, TenantPolicy> configured = new java.util.HashMap<>();

    public TenantPolicies(CompliancePolicyConfig config) {
        this.defaults = new TenantPolicy(actions(config.pii(), Map.of()), config.injectionInTurns(),
                config.injectionInToolOutputs(), "configuration");
        config.tenants().forEach((tenant, settings) -> configured.put(tenant, new TenantPolicy(
                actions(settings.pii(), defaults.pii()),
                settings.injectionInTurns().orElse(defaults.injectionInTurns()),
                settings.injectionInToolOutputs().orElse(defaults.injectionInToolOutputs()),
                "configuration")));
    }

    /** @param published the tenant's policy from the topic, if it has one */
    public TenantPolicy of(String tenant, Optional<CompliancePolicy> published) {
        TenantPolicy base = configured.getOrDefault(tenant, defaults);
        if (published.isEmpty()) {
            return base;
        }
        CompliancePolicy policy = published.get();
        Map<String, PolicyAction> pii = new java.util.HashMap<>();
        policy.getPii().forEach((type, action) -> pii.put(type, PolicyAction.valueOf(action.toUpperCase(Locale.ROOT))));
        return new TenantPolicy(actions(pii, base.pii()),
                policy.getInjectionInTurns() == null ? base.injectionInTurns() : injection(policy.getInjectionInTurns()),
                policy.getInjectionInToolOutputs() == null ? base.injectionInToolOutputs()
                        : injection(policy.getInjectionInToolOutputs()),
                "policy topic");
    }

    /**
     * Checks a policy before it is published, so the topic only holds policies compliance can apply.
     *
     * @throws IllegalArgumentException naming the first unknown entity type or action
     */
    public static void validate(CompliancePolicy policy) {
        policy.getPii().forEach((type, action) -> {
            entityType(type);
            try {
                PolicyAction.valueOf(action.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown action " + action + " for " + type
                        + "; one of REDACT, MASK, HASH, ALLOW, BLOCK");
            }
        });
        for (String action : new String[] {policy.getInjectionInTurns(), policy.getInjectionInToolOutputs()}) {
            if (action != null) {
                injection(action);
            }
        }
    }

    private static Map<EntityType, PolicyAction> actions(Map<String, PolicyAction> named, Map<EntityType, PolicyAction> base) {
        Map<EntityType, PolicyAction> actions = new EnumMap<>(EntityType.class);
        actions.putAll(base);
        named.forEach((type, action) -> actions.put(entityType(type), action));
        return Map.copyOf(actions);
    }

    private static EntityType entityType(String name) {
        try {
            return EntityType.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown entity type " + name + "; one of "
                    + java.util.Arrays.toString(EntityType.values()));
        }
    }

    private static InjectionAction injection(String action) {
        try {
            return InjectionAction.valueOf(action.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown injection action " + action + "; FLAG or BLOCK");
        }
    }
}
