package dev.switchboard.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.TurnReceived;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The audit half of the loop against a real PostgreSQL: what a crash-and-redelivery looks like to it. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ComplianceServiceIT {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Test
    void theSameRecordReadAgainIsPublishedAgainButAuditedOnce() {
        String session = UUID.randomUUID().toString();
        TurnReceived raw = TestEvents.turn(UUID.randomUUID().toString(), session, "reach me at zoe@example.com");
        SourcePosition position = new SourcePosition("turns.raw", 2, 41);

        var first = compliance.clearTurn(raw, position);
        // as after a crash between the database commit and the Kafka commit
        var again = compliance.clearTurn(raw, position);

        assertThat(first.outcome()).isEqualTo(AuditOutcome.RECORDED);
        assertThat(again.outcome()).isEqualTo(AuditOutcome.REDELIVERED);
        assertThat(again.outcome().publishes()).isTrue();
        assertThat(again.event().getEnvelope().getEventId()).isEqualTo(first.event().getEnvelope().getEventId());
        assertThat(audit.listBySession(session)).singleElement().satisfies(row -> {
            assertThat(row.eventId).isEqualTo(raw.getEnvelope().getEventId());
            assertThat(row.eventType).isEqualTo(EventType.TURN_RECEIVED);
            assertThat(row.clearedEventId).isEqualTo(first.event().getEnvelope().getEventId());
            assertThat(row.content).contains("[EMAIL]").doesNotContain("zoe@example.com");
            assertThat(row.redactions).isEqualTo(1);
            assertThat(row.sourcePartition).isEqualTo(2);
            assertThat(row.sourceOffset).isEqualTo(41);
            assertThat(row.occurredAt).isEqualTo(raw.getEnvelope().getOccurredAt());
            assertThat(row.recordedAt).isNotNull();
        });
    }

    @Test
    void anotherCopyOfAnAuditedEventIsADuplicateAndNotPublished() {
        String session = UUID.randomUUID().toString();
        TurnReceived raw = TestEvents.turn(UUID.randomUUID().toString(), session, "hello");

        compliance.clearTurn(raw, new SourcePosition("turns.raw", 0, 7));
        var copy = compliance.clearTurn(raw, new SourcePosition("turns.raw", 0, 9));

        assertThat(copy.outcome()).isEqualTo(AuditOutcome.DUPLICATE);
        assertThat(copy.outcome().publishes()).isFalse();
        assertThat(audit.listBySession(session)).singleElement()
                .satisfies(row -> assertThat(row.sourceOffset).isEqualTo(7));
    }

    @Test
    void anAgentResultIsAuditedWithItsRedactedContent() {
        String session = UUID.randomUUID().toString();
        var result = TestEvents.resultWithAddressesEverywhere(UUID.randomUUID().toString(), session);

        var clearance = compliance.clearResult(result, new SourcePosition("agent.results.raw", 1, 3));

        assertThat(clearance.outcome()).isEqualTo(AuditOutcome.RECORDED);
        assertThat(audit.listBySession(session)).singleElement().satisfies(row -> {
            assertThat(row.eventType).isEqualTo(EventType.AGENT_RESULT);
            assertThat(row.redactions).isEqualTo(6);
            assertThat(row.content).contains("HANDOFF").doesNotContain("@example.org");
        });
    }
}
