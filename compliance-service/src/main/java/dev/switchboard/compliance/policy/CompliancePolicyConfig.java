package dev.switchboard.compliance.policy;

import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Compliance policies from configuration: defaults for every tenant, then per tenant. A tenant's policy on
 * {@code compliance.policies} replaces what it names at run time. Entity types are the names of
 * {@code EntityType} (EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS, SECRET, PERSON, STREET_ADDRESS).
 */
@ConfigMapping(prefix = "switchboard.compliance.policies")
public interface CompliancePolicyConfig {

    /** Action per entity type for every tenant; types not named are redacted. */
    Map<String, PolicyAction> pii();

    @WithDefault("BLOCK")
    InjectionAction injectionInTurns();

    @WithDefault("BLOCK")
    InjectionAction injectionInToolOutputs();

    /**
     * The secret key of HASH, base64 (32 bytes or more), from the environment in production. Without it a
     * random key is made at start, so hashes only match within one process (a warning says so).
     */
    Optional<String> hashKey();

    /** Per tenant id. */
    Map<String, Tenant> tenants();

    interface Tenant {
        Map<String, PolicyAction> pii();

        Optional<InjectionAction> injectionInTurns();

        Optional<InjectionAction> injectionInToolOutputs();
    }
}
