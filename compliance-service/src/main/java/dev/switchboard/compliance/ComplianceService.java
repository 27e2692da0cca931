package dev.switchboard.compliance;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificRecord;

import dev.switchboard.compliance.audit.AuditTrail;
import dev.switchboard.compliance.policy.CompliancePolicies;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;

/**
 * Clears a raw event and records it in the audit trail (appended to its tenant's hash chain, content sealed
 * with its user's key), in one database transaction that has committed when a method returns. Publishing is
 * the caller's job, and must happen only after that commit. Supervisor decisions are only recorded: they
 * have no cleared form.
 */
@ApplicationScoped
public class ComplianceService {

    /** The actor of a turn: the principal's user, whose id is the row's {@code user_id}. */
    public static final String USER_ACTOR = "user";
    /** The actor of a supervisor decision. */
    public static final String SUPERVISOR_ACTOR = "supervisor";

    private final AuditEventRepository audit;
    private final AuditTrail trail;
    private final CompliancePolicies policies;

    ComplianceService(AuditEventRepository audit, AuditTrail trail, CompliancePolicies policies) {
        this.audit = audit;
        this.trail = trail;
        this.policies = policies;
    }

    /**
     * A cleared event and whether to publish it.
     *
     * @param event   the cleared event
     * @param outcome what the audit trail already knew of it
     */
    public record Clearance<T>(T event, AuditOutcome outcome) {
    }

    /** A turn under its tenant's policy: the cleared {@code TurnReceived}, or a {@code TurnRejected} when blocked. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Clearance<SpecificRecord> clearTurn(TurnReceived raw, SourcePosition source) {
        Cleared<SpecificRecord> cleared = EventRedactor.clear(raw, policies.forEvent(raw.getEnvelope().getTenant()));
        AuditOutcome outcome = record(EventType.TURN_RECEIVED, USER_ACTOR, raw.getEnvelope(), cleared, source);
        return new Clearance<>(cleared.event(), outcome);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Clearance<AgentResult> clearResult(AgentResult raw, SourcePosition source) {
        Cleared<AgentResult> cleared = EventRedactor.clear(raw, policies.forEvent(raw.getEnvelope().getTenant()));
        AuditOutcome outcome = record(EventType.AGENT_RESULT, raw.getAgent(), raw.getEnvelope(), cleared, source);
        return new Clearance<>(cleared.event(), outcome);
    }

    /** Records a supervisor decision, with its detail redacted; nothing is published for it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public AuditOutcome auditDecision(SupervisorDecision decision, SourcePosition source) {
        EventRedactor.AuditContent content = EventRedactor.auditContent(decision,
                policies.forEvent(decision.getEnvelope().getTenant()));
        AuditEventEntity row = row(EventType.SUPERVISOR_DECISION, SUPERVISOR_ACTOR, decision.getEnvelope(),
                content.redactions(), source);
        row.decision = decision.getKind().name();
        row.decisionCode = decision.getCode();
        row.agent = decision.getAgent();
        row.taskId = decision.getTaskId();
        return record(row, content.json(), source);
    }

    private AuditOutcome record(EventType type, String actor, Envelope raw, Cleared<?> content, SourcePosition source) {
        AuditEventEntity row = row(type, actor, raw, content.redactions(), source);
        row.clearedEventId = Envelopes.derivedId(raw.getEventId(), EventRedactor.STEP);
        row.decision = content.decision();
        return record(row, content.content(), source);
    }

    private static AuditEventEntity row(EventType type, String actor, Envelope raw, int redactions,
            SourcePosition source) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = raw.getEventId();
        row.eventType = type;
        row.tenant = raw.getTenant();
        row.sessionId = raw.getSessionId();
        row.turnId = raw.getTurnId();
        row.userId = raw.getPrincipal().getUser();
        row.actor = actor;
        row.sourceTopic = source.topic();
        row.sourcePartition = source.partition();
        row.sourceOffset = source.offset();
        row.redactions = redactions;
        row.occurredAt = raw.getOccurredAt();
        return row;
    }

    private AuditOutcome record(AuditEventEntity row, String content, SourcePosition source) {
        // A redelivery is recognised before taking the chain's lock; the append still refuses a second row for
        // an event id, should another instance audit the same event at the same moment.
        var existing = audit.findByEventId(row.eventId);
        if (existing.isEmpty() && trail.appendSealed(row, content)) {
            return AuditOutcome.RECORDED;
        }
        AuditEventEntity recorded = existing.or(() -> audit.findByEventId(row.eventId))
                .orElseThrow(() -> new IllegalStateException("Audit row " + row.eventId + " vanished"));
        return recorded.recordedFrom(source) ? AuditOutcome.REDELIVERED : AuditOutcome.DUPLICATE;
    }
}
