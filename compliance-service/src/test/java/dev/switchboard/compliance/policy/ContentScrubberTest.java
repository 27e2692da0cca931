package dev.switchboard.compliance.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.detection.EntityType;
import dev.switchboard.compliance.detection.Finding;
import dev.switchboard.compliance.detection.PiiDetector;

class ContentScrubberTest {

    static final ContentScrubber SCRUBBER = new ContentScrubber("k".repeat(32).getBytes(StandardCharsets.UTF_8));
    static final PiiDetector DETECTOR = PiiDetector.defaults();
    static final String TEXT = "Card 4111 1111 1111 1111, mail Jane.Doe@example.com, call +44 20 7946 0958.";

    static TenantPolicy policy(Map<EntityType, PolicyAction> pii) {
        return new TenantPolicy(pii, InjectionAction.BLOCK, InjectionAction.BLOCK, "test");
    }

    private ContentScrubber.Scrubbed scrub(String text, Map<EntityType, PolicyAction> pii, String tenant) {
        return SCRUBBER.scrub(text, DETECTOR.detect(text), policy(pii), tenant);
    }

    @Test
    void redactsEveryFindingWithATypedPlaceholderByDefault() {
        ContentScrubber.Scrubbed scrubbed = scrub(TEXT, Map.of(), "acme");
        assertThat(scrubbed.text()).isEqualTo("Card [CREDIT_CARD], mail [EMAIL], call [PHONE].");
        assertThat(scrubbed.found()).containsEntry(EntityType.CREDIT_CARD, 1).containsEntry(EntityType.EMAIL, 1)
                .containsEntry(EntityType.PHONE, 1);
        assertThat(scrubbed.changed()).isEqualTo(3);
        assertThat(scrubbed.blocked()).isFalse();
    }

    @Test
    void masksKeepingWhatTellsValuesApart() {
        ContentScrubber.Scrubbed scrubbed = scrub(TEXT, Map.of(EntityType.CREDIT_CARD, PolicyAction.MASK,
                EntityType.EMAIL, PolicyAction.MASK, EntityType.PHONE, PolicyAction.MASK), "acme");
        assertThat(scrubbed.text()).isEqualTo("Card **** **** **** 1111, mail J***@example.com, call +** ** **** 0958.");
        assertThat(ContentScrubber.mask(new Finding(EntityType.SECRET, 0, 20, "AKIAIOSFODNN7EXAMPLE")))
                .isEqualTo("AKIA****************");
    }

    @Test
    void hashesEqualValuesEquallyWhateverTheirFormatButDifferentlyPerTenant() {
        Map<EntityType, PolicyAction> hash = Map.of(EntityType.CREDIT_CARD, PolicyAction.HASH, EntityType.EMAIL, PolicyAction.HASH);
        String spaced = scrub("pay with 4111 1111 1111 1111", hash, "acme").text();
        String dashed = scrub("pay with 4111-1111-1111-1111", hash, "acme").text();
        String otherTenant = scrub("pay with 4111 1111 1111 1111", hash, "globex").text();
        assertThat(spaced).matches("pay with \\[CREDIT_CARD:[0-9a-f]{12}]").isEqualTo(dashed).isNotEqualTo(otherTenant);
        assertThat(scrub("Jane.Doe@Example.com", hash, "acme").text()).isEqualTo(scrub("jane.doe@example.com", hash, "acme").text());
        assertThat(spaced).doesNotContain("4111");
    }

    @Test
    void allowLeavesTheValueAndBlockNamesTheFirstBlockingType() {
        ContentScrubber.Scrubbed scrubbed = scrub(TEXT, Map.of(EntityType.EMAIL, PolicyAction.ALLOW,
                EntityType.PHONE, PolicyAction.BLOCK), "acme");
        assertThat(scrubbed.text()).contains("Jane.Doe@example.com").doesNotContain("7946");
        assertThat(scrubbed.blockedBy()).isEqualTo(EntityType.PHONE);
        assertThat(scrubbed.changed()).isEqualTo(2);
    }

    @Test
    void textWithoutFindingsIsUnchanged() {
        assertThat(scrub("nothing to see here", Map.of(), "acme").text()).isEqualTo("nothing to see here");
        assertThat(SCRUBBER.scrub(null, List.of(), policy(Map.of()), "acme").text()).isNull();
    }

    @Test
    void aShortHashKeyIsRefused() {
        assertThatThrownBy(() -> new ContentScrubber(new byte[16])).isInstanceOf(IllegalArgumentException.class);
    }
}
