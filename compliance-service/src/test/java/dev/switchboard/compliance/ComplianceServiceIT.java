package dev.switchboard.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.audit.AuditContents;
import dev.switchboard.compliance.audit.PlatformChain;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The audit half of the loop against a real PostgreSQL: what a crash-and-redelivery looks like to it. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class ComplianceServiceIT {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Inject
    AuditContents contents;

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
        assertThat(((TurnReceived) again.event()).getEnvelope().getEventId()).isEqualTo(((TurnReceived) first.event()).getEnvelope().getEventId());
        assertThat(audit.listBySession("acme", session)).singleElement().satisfies(row -> {
            assertThat(row.eventId).isEqualTo(raw.getEnvelope().getEventId());
            assertThat(row.eventType).isEqualTo(EventType.TURN_RECEIVED);
            assertThat(row.clearedEventId).isEqualTo(((TurnReceived) first.event()).getEnvelope().getEventId());
            assertThat(row.content).doesNotContain("zoe@example.com");
            assertThat(content(row)).contains("[EMAIL]").doesNotContain("zoe@example.com");
            assertThat(row.decision).isEqualTo(Cleared.REDACTED);
            assertThat(row.userId).isEqualTo("alice");
            assertThat(row.actor).isEqualTo(ComplianceService.USER_ACTOR);
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
        assertThat(audit.listBySession("acme", session)).singleElement()
                .satisfies(row -> assertThat(row.sourceOffset).isEqualTo(7));
    }

    @Test
    void anAgentResultIsAuditedWithItsRedactedContent() {
        String session = UUID.randomUUID().toString();
        var result = TestEvents.resultWithAddressesEverywhere(UUID.randomUUID().toString(), session);

        var clearance = compliance.clearResult(result, new SourcePosition("agent.results.raw", 1, 3));

        assertThat(clearance.outcome()).isEqualTo(AuditOutcome.RECORDED);
        assertThat(audit.listBySession("acme", session)).singleElement().satisfies(row -> {
            assertThat(row.eventType).isEqualTo(EventType.AGENT_RESULT);
            assertThat(row.redactions).isEqualTo(6);
            assertThat(content(row)).contains("HANDOFF").doesNotContain("@example.org");
            assertThat(row.actor).isEqualTo("concierge");
            assertThat(row.decision).isEqualTo(Cleared.REDACTED);
        });
    }

    @Test
    void aDecisionIsAuditedOnceWithItsKindCodeAgentAndTask() {
        String session = UUID.randomUUID().toString();
        var decision = TestEvents.decision(UUID.randomUUID().toString(), session, DecisionKind.HANDOFF_REFUSED,
                "handoff_undeclared", "concierge may not hand off to billing; asked by kim@example.com",
                "concierge", "task-7");
        SourcePosition position = new SourcePosition("supervisor.decisions", 1, 5);

        assertThat(compliance.auditDecision(decision, position)).isEqualTo(AuditOutcome.RECORDED);
        assertThat(compliance.auditDecision(decision, position)).isEqualTo(AuditOutcome.REDELIVERED);
        assertThat(compliance.auditDecision(decision, new SourcePosition("supervisor.decisions", 1, 6)))
                .isEqualTo(AuditOutcome.DUPLICATE);

        assertThat(audit.listBySession("acme", session)).singleElement().satisfies(row -> {
            assertThat(row.eventId).isEqualTo(decision.getEnvelope().getEventId());
            assertThat(row.eventType).isEqualTo(EventType.SUPERVISOR_DECISION);
            assertThat(row.decision).isEqualTo("HANDOFF_REFUSED");
            assertThat(row.decisionCode).isEqualTo("handoff_undeclared");
            assertThat(row.agent).isEqualTo("concierge");
            assertThat(row.taskId).isEqualTo("task-7");
            assertThat(row.clearedEventId).isNull();
            assertThat(content(row)).contains("[EMAIL]").doesNotContain("kim@example.com");
            assertThat(row.actor).isEqualTo(ComplianceService.SUPERVISOR_ACTOR);
            assertThat(row.redactions).isEqualTo(1);
            assertThat(row.sourceOffset).isEqualTo(5);
        });
    }

    @Test
    void aDecisionAboutNoAgentOrTaskIsAuditedWithoutThem() {
        String session = UUID.randomUUID().toString();
        var decision = TestEvents.decision(UUID.randomUUID().toString(), session, DecisionKind.BUDGET_EXHAUSTED,
                "session_tokens", "session used 12000 of 10000 tokens", null, null);

        compliance.auditDecision(decision, new SourcePosition("supervisor.decisions", 0, 0));

        assertThat(audit.listBySession("acme", session)).singleElement().satisfies(row -> {
            assertThat(row.decision).isEqualTo("BUDGET_EXHAUSTED");
            assertThat(row.agent).isNull();
            assertThat(row.taskId).isNull();
            assertThat(row.redactions).isZero();
        });
    }

    @Test
    void turnsAndResultsRecordWhatComplianceDecidedAndNoSupervisorColumns() {
        String session = UUID.randomUUID().toString();
        compliance.clearTurn(TestEvents.turn(UUID.randomUUID().toString(), session, "hi"),
                new SourcePosition("turns.raw", 0, 1));

        assertThat(audit.listBySession("acme", session)).singleElement().satisfies(row -> {
            assertThat(row.clearedEventId).isNotNull();
            assertThat(row.decision).isEqualTo(Cleared.CLEARED);
            assertThat(row.decisionCode).isNull();
            assertThat(row.agent).isNull();
            assertThat(row.taskId).isNull();
        });
    }

    @Test
    void aResultRefusedForItsTicketIsAuditedWithTheTicketsAudienceAndNoneOfItsContent() {
        String session = UUID.randomUUID().toString();
        String victimSession = UUID.randomUUID().toString();
        AgentTask task = TestTickets.task(TestEvents.envelope(UUID.randomUUID().toString(), session), "concierge");
        AgentResult forged = TestTickets.reply(task, "the secret of acme is 42");
        Envelope elsewhere = forged.getEnvelope();
        elsewhere.setTenant("globex");
        elsewhere.setSessionId(victimSession);
        elsewhere.setPrincipal(Principal.newBuilder().setTenant("globex").setUser("gina").build());
        TaskTickets.Claims ticket = TestTickets.TICKETS.verify(forged.getTicket()).orElseThrow();
        SourcePosition position = new SourcePosition("agent.results.raw", 4, 12);

        assertThat(compliance.refuseResult(forged, "ticket_mismatch", Optional.of(ticket), position))
                .isEqualTo(AuditOutcome.RECORDED);
        assertThat(compliance.refuseResult(forged, "ticket_mismatch", Optional.of(ticket), position))
                .as("the same record read again").isEqualTo(AuditOutcome.REDELIVERED);
        AgentResult another = TestTickets.reply(
                TestTickets.task(TestEvents.envelope(UUID.randomUUID().toString(), session), "concierge"), "other");
        assertThat(ComplianceService.refusedEventId(another, position))
                .as("another result at a position the first one held (a topic created again)")
                .isNotEqualTo(ComplianceService.refusedEventId(forged, position));

        assertThat(audit.listBySession("globex", victimSession)).isEmpty();
        assertThat(audit.listBySession("acme", session)).singleElement().satisfies(row -> {
            assertThat(row.eventType).isEqualTo(EventType.RESULT_REFUSED);
            assertThat(row.tenant).isEqualTo("acme");
            assertThat(row.userId).isEqualTo("alice");
            assertThat(row.actor).isEqualTo("concierge");
            assertThat(row.taskId).isEqualTo(task.getTaskId());
            assertThat(row.decision).isEqualTo(ComplianceService.REFUSED);
            assertThat(row.decisionCode).isEqualTo("ticket_mismatch");
            assertThat(row.clearedEventId).isNull();
            assertThat(row.eventId).isNotEqualTo(forged.getEnvelope().getEventId());
            assertThat(content(row)).contains("\"mismatched\":[\"tenant\",\"sessionId\",\"user\"]")
                    .doesNotContain("42").doesNotContain("globex").doesNotContain(victimSession);
        });
    }

    @Test
    void aResultWithoutAValidTicketIsAuditedInThePlatformChain() {
        String session = UUID.randomUUID().toString();
        AgentTask task = TestTickets.task(TestEvents.envelope(UUID.randomUUID().toString(), session), "concierge");
        AgentResult unticketed = TestTickets.reply(task, "hello");
        unticketed.setTicket(null);

        compliance.refuseResult(unticketed, "ticket_missing", Optional.empty(), new SourcePosition("agent.results.raw", 0, 3));

        assertThat(audit.listBySession("acme", session)).isEmpty();
        List<AuditEventEntity> rows = audit.listBySession(PlatformChain.TENANT, session);
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.eventType).isEqualTo(EventType.RESULT_REFUSED);
            assertThat(row.decisionCode).isEqualTo("ticket_missing");
            assertThat(row.userId).isNull();
            assertThat(content(row)).contains("\"claimedTenant\":\"acme\"").doesNotContain("hello");
        });
    }

    private String content(AuditEventEntity row) {
        return contents.reader().read(row).json();
    }
}
