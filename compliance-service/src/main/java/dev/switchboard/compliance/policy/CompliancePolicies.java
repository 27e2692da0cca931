package dev.switchboard.compliance.policy;

import java.security.SecureRandom;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.switchboard.compliance.detection.InjectionScreen;
import dev.switchboard.compliance.detection.PiiDetector;

/**
 * The entry point of policy enforcement: a {@link TextPolicy} for each event, under the tenant's policy in
 * force (configuration, then {@code compliance.policies}).
 */
@ApplicationScoped
public class CompliancePolicies {

    private static final Logger LOG = Logger.getLogger(CompliancePolicies.class);

    private final PiiDetector detector = PiiDetector.defaults();
    private final InjectionScreen screen = InjectionScreen.defaults();
    private final TenantPolicies policies;
    private final PolicyTable published;
    private final ContentScrubber scrubber;

    CompliancePolicies(CompliancePolicyConfig config, PolicyTable published) {
        this.policies = new TenantPolicies(config);
        this.published = published;
        this.scrubber = new ContentScrubber(config.hashKey().map(Base64.getDecoder()::decode).orElseGet(() -> {
            LOG.warn("switchboard.compliance.policies.hash-key is not set: HASH uses a random key of this process, "
                    + "so hashed values only match within it. Set a base64 key of 32 bytes or more in production.");
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return key;
        }));
    }

    /** The policy in force for a tenant. */
    public TenantPolicy of(String tenant) {
        return policies.of(tenant, published.published(tenant));
    }

    /** A fresh pass of one event of {@code tenant} through its policy. */
    public TextPolicy forEvent(String tenant) {
        return new TextPolicy(detector, screen, scrubber, of(tenant), tenant);
    }
}
