package dev.switchboard.compliance.policy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.compliance.detection.InjectionScreen;
import dev.switchboard.compliance.detection.InjectionSignal;
import dev.switchboard.compliance.detection.PiiDetector;

/**
 * One event's passage through a tenant's policy: every text field goes through {@link #scrub}, user text and
 * tool outputs are also screened for injected instructions, and {@link #verdict()} says what happens to the
 * event. Not thread-safe: one instance per event.
 */
public final class TextPolicy {

    /** What happens to the event. */
    public enum Decision {
        /** Nothing was found. */
        CLEARED,
        /** Personal data was replaced (redacted, masked or hashed) or explicitly allowed. */
        REDACTED,
        /** Injected instructions were found and the policy only flags them. */
        FLAGGED,
        /** The policy refuses the event. */
        BLOCKED
    }

    /**
     * @param decision   what happens to the event
     * @param reason     for BLOCKED: a machine-readable reason such as {@code pii_blocked:CREDIT_CARD} or
     *                   {@code injection:INSTRUCTION_OVERRIDE}; for FLAGGED the first signal; else null
     * @param found      values found per type
     * @param changed    values replaced
     * @param signals    injection rules that matched, by kind and rule name
     */
    public record Verdict(Decision decision, String reason, Map<EntityType, Integer> found, int changed,
            List<String> signals) {
    }

    private final PiiDetector detector;
    private final InjectionScreen screen;
    private final ContentScrubber scrubber;
    private final TenantPolicy policy;
    private final String tenant;
    private final Map<EntityType, Integer> found = new EnumMap<>(EntityType.class);
    private final List<String> signals = new ArrayList<>();
    private int changed;
    private String blockedBy;

    public TextPolicy(PiiDetector detector, InjectionScreen screen, ContentScrubber scrubber, TenantPolicy policy, String tenant) {
        this.detector = detector;
        this.screen = screen;
        this.scrubber = scrubber;
        this.policy = policy;
        this.tenant = tenant;
    }

    /** The text with personal data treated per the policy; null stays null. */
    public String scrub(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        ContentScrubber.Scrubbed scrubbed = scrubber.scrub(text, detector.detect(text), policy, tenant);
        scrubbed.found().forEach((type, count) -> found.merge(type, count, Integer::sum));
        changed += scrubbed.changed();
        if (scrubbed.blocked() && blockedBy == null) {
            blockedBy = "pii_blocked:" + scrubbed.blockedBy();
        }
        return scrubbed.text();
    }

    /** Screens what a user wrote, then scrubs it. */
    public String userText(String text) {
        screen(text, policy.injectionInTurns());
        return scrub(text);
    }

    /** Screens what a tool returned to the model, then scrubs it. */
    public String toolOutput(String text) {
        screen(text, policy.injectionInToolOutputs());
        return scrub(text);
    }

    private void screen(String text, InjectionAction action) {
        if (text == null || text.isEmpty()) {
            return;
        }
        List<InjectionSignal> found = screen.screen(text);
        for (InjectionSignal signal : found) {
            signals.add(signal.kind() + ":" + signal.rule());
        }
        if (!found.isEmpty() && action == InjectionAction.BLOCK && blockedBy == null) {
            blockedBy = "injection:" + found.get(0).kind();
        }
    }

    public Verdict verdict() {
        Decision decision;
        String reason = null;
        if (blockedBy != null) {
            decision = Decision.BLOCKED;
            reason = blockedBy;
        } else if (!signals.isEmpty()) {
            decision = Decision.FLAGGED;
            reason = "injection:" + signals.get(0);
        } else if (!found.isEmpty()) {
            decision = Decision.REDACTED;
        } else {
            decision = Decision.CLEARED;
        }
        return new Verdict(decision, reason, Map.copyOf(found), changed, List.copyOf(signals));
    }
}
