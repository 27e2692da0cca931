package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TenantUsage;

class DeadLettersTest {

    @Test
    void deadLettersAreRedrivenToEventTopicsAndTaskTopicsOnly() {
        assertThat(DeadLetters.isRedriveTarget(Topics.TURNS_CLEARED.name())).isTrue();
        assertThat(DeadLetters.isRedriveTarget(Topics.REPLIES_OUTBOUND.name())).isTrue();
        assertThat(DeadLetters.isRedriveTarget(Topics.agentTasks("billing-agent").name())).isTrue();
        for (Topic<?, ?> topic : DeadLetters.RAW_TOPICS) {
            assertThat(DeadLetters.isRedriveTarget(topic.name())).as(topic.name()).isFalse();
            assertThat(DeadLetters.isRawTopic(topic.name())).as(topic.name()).isTrue();
        }
        for (Topic<?, ?> topic : Topics.FIXED) {
            if (topic.cleanup() != Topic.Cleanup.DELETE) {
                assertThat(DeadLetters.isRedriveTarget(topic.name())).as("compacted " + topic.name()).isFalse();
            }
        }
        for (String name : new String[] {"agent.results.cleared.tasks", "agent..tasks", "agent.Bad.tasks",
                "switchboard-supervisor-x-repartition", Topics.REPLIES_ROUTED.name(), Topics.DEAD_LETTERS.name(), null}) {
            assertThat(DeadLetters.isRedriveTarget(name)).as(name).isFalse();
        }
    }

    @Test
    void theTenantIsTheEnvelopesOrTheEventsOwn() {
        assertThat(DeadLetters.tenantOf(new TurnReceived(SerdeTest.envelope(), null, "hi"))).isEqualTo("acme");
        assertThat(DeadLetters.tenantOf(TenantUsage.newBuilder().setTenant("globex").setDay("2026-12-08")
                .setTokens(1).build())).isEqualTo("globex");
        assertThat(DeadLetters.tenantOf("not an event")).isNull();
        assertThat(DeadLetters.tenantOf(null)).isNull();
    }

    @Test
    void anUnknownTenantAddsNoHeader() {
        RecordHeaders headers = new RecordHeaders();
        DeadLetters.addTenant(headers, null);
        DeadLetters.addTenant(headers, " ");
        assertThat(headers.toArray()).isEmpty();
        DeadLetters.addTenant(headers, "acme");
        assertThat(new String(headers.lastHeader(DeadLetters.TENANT).value(), StandardCharsets.UTF_8)).isEqualTo("acme");
    }
}
