package dev.switchboard.compliance;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.compliance.detection.InjectionScreen;
import dev.switchboard.compliance.detection.PiiDetector;
import dev.switchboard.compliance.policy.ContentScrubber;
import dev.switchboard.compliance.policy.InjectionAction;
import dev.switchboard.compliance.policy.PolicyAction;
import dev.switchboard.compliance.policy.TenantPolicy;
import dev.switchboard.compliance.policy.TextPolicy;

/** Policies for the tests of event clearing: the safe defaults, or given actions. */
public final class TestPolicies {

    private static final PiiDetector DETECTOR = PiiDetector.defaults();
    private static final InjectionScreen SCREEN = InjectionScreen.defaults();
    private static final ContentScrubber SCRUBBER = new ContentScrubber("test-hash-key-".repeat(3).getBytes(StandardCharsets.UTF_8));

    private TestPolicies() {
    }

    /** Everything redacted, injected instructions blocked. */
    public static TextPolicy safe() {
        return with(Map.of(), InjectionAction.BLOCK);
    }

    public static TextPolicy with(Map<EntityType, PolicyAction> pii, InjectionAction injections) {
        return new TextPolicy(DETECTOR, SCREEN, SCRUBBER, new TenantPolicy(pii, injections, injections, "test"), "acme");
    }
}
