package dev.switchboard.compliance;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.TurnReceived;

/**
 * Clears a raw event and records it in the audit trail, in one database transaction that has committed
 * when a method returns. Publishing is the caller's job, and must happen only after that commit.
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

    private AuditOutcome record(EventType type, Envelope raw, Envelope cleared, Cleared<?> content,
            SourcePosition source) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = raw.getEventId();
        row.eventType = type;
        row.tenant = raw.getTenant();
        row.sessionId = raw.getSessionId();
        row.turnId = raw.getTurnId();
        row.clearedEventId = cleared.getEventId();
        row.sourceTopic = source.topic();
        row.sourcePartition = source.partition();
        row.sourceOffset = source.offset();
        row.content = content.content();
        row.redactions = content.redactions();
        row.occurredAt = raw.getOccurredAt();
        if (audit.insertIfAbsent(row)) {
            return AuditOutcome.RECORDED;
        }
        AuditEventEntity existing = audit.findByEventId(row.eventId)
                .orElseThrow(() -> new IllegalStateException("Audit row " + row.eventId + " vanished"));
        return existing.recordedFrom(source) ? AuditOutcome.REDELIVERED : AuditOutcome.DUPLICATE;
    }
}
