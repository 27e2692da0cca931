package dev.switchboard.compliance.policy;

import java.util.Map;

import dev.switchboard.compliance.detection.EntityType;

/**
 * The compliance policy in force for one tenant.
 *
 * @param pii                    the action per kind of personal data
 * @param injectionInTurns       what happens to user turns with injected instructions
 * @param injectionInToolOutputs what happens to agent results whose tool outputs carry injected instructions
 * @param source                 {@code configuration} or {@code policy topic}
 */
public record TenantPolicy(Map<EntityType, PolicyAction> pii, InjectionAction injectionInTurns,
        InjectionAction injectionInToolOutputs, String source) {

    /** The action for a kind of data; anything the policy does not name is redacted. */
    public PolicyAction actionFor(EntityType type) {
        return pii.getOrDefault(type, PolicyAction.REDACT);
    }
}
