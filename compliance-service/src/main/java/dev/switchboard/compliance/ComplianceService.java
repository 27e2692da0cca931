package dev.switchboard.compliance;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;

/**
 * Clears a raw event and records it in the audit trail, in one database transaction that has committed
 * when a method returns. Publishing is the caller's job, and must happen only after that commit. Supervisor
 * decisions are only recorded: they have no cleared form.
 */
@ApplicationScoped
public class ComplianceService {

    private final AuditEventRepository audit;

    ComplianceService(AuditEventRepository audit) {
        this.audit = audit;
    }

    /**
     * A cleared event and whether to publish it.
     *
     * @param event   the cleared event
     * @param outcome what the audit trail already knew of it
     */
    public record Clearance<T>(T event, AuditOutcome outcome) {
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Clearance<TurnReceived> clearTurn(TurnReceived raw, SourcePosition source) {
        Cleared<TurnReceived> cleared = EventRedactor.clear(raw);
        AuditOutcome outcome = record(EventType.TURN_RECEIVED, raw.getEnvelope(),
                cleared.event().getEnvelope(), cleared, source);
        return new Clearance<>(cleared.event(), outcome);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Clearance<AgentResult> clearResult(AgentResult raw, SourcePosition source) {
        Cleared<AgentResult> cleared = EventRedactor.clear(raw);
        AuditOutcome outcome = record(EventType.AGENT_RESULT, raw.getEnvelope(),
                cleared.event().getEnvelope(), cleared, source);
        return new Clearance<>(cleared.event(), outcome);
    }

    /** Records a supervisor decision, with its detail redacted; nothing is published for it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public AuditOutcome auditDecision(SupervisorDecision decision, SourcePosition source) {
        EventRedactor.AuditContent content = EventRedactor.auditContent(decision);
        AuditEventEntity row = row(EventType.SUPERVISOR_DECISION, decision.getEnvelope(), content.json(),
                content.redactions(), source);
        row.decision = decision.getKind().name();
        row.decisionCode = decision.getCode();
        row.agent = decision.getAgent();
        row.taskId = decision.getTaskId();
        return record(row, source);
    }

    private AuditOutcome record(EventType type, Envelope raw, Envelope cleared, Cleared<?> content,
            SourcePosition source) {
        AuditEventEntity row = row(type, raw, content.content(), content.redactions(), source);
        row.clearedEventId = cleared.getEventId();
        return record(row, source);
    }

    private static AuditEventEntity row(EventType type, Envelope raw, String content, int redactions,
            SourcePosition source) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = raw.getEventId();
        row.eventType = type;
        row.tenant = raw.getTenant();
        row.sessionId = raw.getSessionId();
        row.turnId = raw.getTurnId();
        row.sourceTopic = source.topic();
        row.sourcePartition = source.partition();
        row.sourceOffset = source.offset();
        row.content = content;
        row.redactions = redactions;
        row.occurredAt = raw.getOccurredAt();
        return row;
    }

    private AuditOutcome record(AuditEventEntity row, SourcePosition source) {
        if (audit.insertIfAbsent(row)) {
            return AuditOutcome.RECORDED;
        }
        AuditEventEntity existing = audit.findByEventId(row.eventId)
                .orElseThrow(() -> new IllegalStateException("Audit row " + row.eventId + " vanished"));
        return existing.recordedFrom(source) ? AuditOutcome.REDELIVERED : AuditOutcome.DUPLICATE;
    }
}
