package dev.switchboard.compliance.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.events.CompliancePolicy;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * Audits what operators and the supervisor change, rather than what users and agents say: a tenant's compliance
 * policy set or removed over HTTP, a supervisor policy read from {@code supervisor.policies}, a session replayed, a
 * dead letter re-driven. Each is one row with who did it ({@code actor}): a change requested over HTTP, a replay and a
 * re-drive in the tenant's requests chain ({@link ChainKey#REQUESTS}), a supervisor policy record in the tenant's
 * chain of the record's partition. A policy row carries the SHA-256 of the policy record in the catalog's encoding (for a compliance policy, whose entries are sorted, exactly the bytes
 * published), so an auditor can match the row with the record. Nothing in these rows is personal: their content is
 * kept plain.
 */
@ApplicationScoped
public class OperationsAudit {

    /** {@code decision} of a policy set or replaced. */
    public static final String POLICY_SET = "POLICY_SET";
    /** {@code decision} of a policy removed (a tombstone: the tenant is back to its configuration). */
    public static final String POLICY_REMOVED = "POLICY_REMOVED";
    /** {@code decision_code} of a compliance policy change. */
    public static final String COMPLIANCE_POLICY = "compliance-policy";
    /** {@code decision_code} of a supervisor policy change. */
    public static final String SUPERVISOR_POLICY = "supervisor-policy";
    /** {@code decision} of a replay. */
    public static final String REPLAYED = "REPLAYED";
    /** {@code decision} of a dead letter re-driven to its source topic. */
    public static final String REDRIVEN = "REDRIVEN";
    /** The actor of a supervisor policy record that names nobody (a tombstone). */
    public static final String SUPERVISOR_ACTOR = "supervisor";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditEventRepository audit;
    private final AuditTrail trail;

    OperationsAudit(AuditEventRepository audit, AuditTrail trail) {
        this.audit = audit;
        this.trail = trail;
    }

    /**
     * A compliance policy change requested over HTTP, audited before it is published.
     *
     * @param policy the new policy, or null when the tenant's policy is removed
     * @return the row's event id
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public String compliancePolicyChanged(String tenant, String actor, CompliancePolicy policy) {
        AuditEventEntity row = policyRow(tenant, actor, COMPLIANCE_POLICY, policy != null);
        row.eventId = UUID.randomUUID().toString();
        trail.appendPlain(row, policyContent(Topics.COMPLIANCE_POLICIES, policy));
        return row.eventId;
    }

    /**
     * A supervisor policy record read from {@code supervisor.policies}, written there only by the supervisor, which
     * sets {@code updatedBy} from the operator's verified token. Idempotent: the row's event id is derived from the
     * record's position, so a record read again adds nothing.
     *
     * @param policy the record's value, or null for a tombstone
     * @return whether a row was added
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean supervisorPolicyChanged(String tenant, SupervisorPolicy policy, String headerActor,
            SourcePosition source) {
        String actor = policy != null && policy.getUpdatedBy() != null ? policy.getUpdatedBy()
                : headerActor != null && !headerActor.isBlank() ? headerActor : SUPERVISOR_ACTOR;
        AuditEventEntity row = policyRow(tenant, actor, SUPERVISOR_POLICY, policy != null);
        row.eventId = Envelopes.derivedId(source.topic() + "-" + source.partition() + "@" + source.offset(), "policy");
        if (audit.findByEventId(row.eventId).isPresent()) {
            return false;
        }
        row.sourceTopic = source.topic();
        row.sourcePartition = source.partition();
        row.sourceOffset = source.offset();
        return trail.appendPlain(row, policyContent(Topics.SUPERVISOR_POLICIES, policy));
    }

    /**
     * A replay an operator ran: the run, its topics and what compliance decided about each event.
     *
     * @return the row's event id
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public String replayed(String tenant, String sessionId, String actor, Map<String, Object> run) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = UUID.randomUUID().toString();
        row.eventType = EventType.REPLAY;
        row.tenant = tenant;
        row.sessionId = sessionId;
        row.actor = actor;
        row.decision = REPLAYED;
        row.occurredAt = Instant.now();
        trail.appendPlain(row, toJson(run));
        return row.eventId;
    }

    /**
     * A dead letter an operator wrote back to its source topic, audited in the caller's transaction (the one that
     * records the re-drive), so that the row and the record of the re-drive commit together.
     *
     * @param sessionId the re-driven event's session and turn, or null when it names none
     * @param content   what was re-driven from where to where: ids and positions, nothing of the record
     * @return the row's event id
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public String deadLetterRedriven(String tenant, String actor, String sessionId, String turnId,
            Map<String, Object> content) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = UUID.randomUUID().toString();
        row.eventType = EventType.REDRIVE;
        row.tenant = tenant;
        row.sessionId = sessionId;
        row.turnId = turnId;
        row.actor = actor;
        row.decision = REDRIVEN;
        row.occurredAt = Instant.now();
        trail.appendPlain(row, toJson(content));
        return row.eventId;
    }

    /** SHA-256 (hex) of a policy record as its topic's serializer writes it. */
    public static <V extends SpecificRecord> String digest(Topic<String, V> topic, V policy) {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), policy);
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    private static AuditEventEntity policyRow(String tenant, String actor, String policy, boolean set) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventType = EventType.POLICY_CHANGE;
        row.tenant = tenant;
        row.actor = actor;
        row.decision = set ? POLICY_SET : POLICY_REMOVED;
        row.decisionCode = policy;
        row.occurredAt = Instant.now();
        return row;
    }

    private static <V extends SpecificRecord> String policyContent(Topic<String, V> topic, V policy) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("topic", topic.name());
        if (policy != null) {
            content.put("digest", digest(topic, policy));
            try {
                content.put("policy", JSON.readTree(SpecificData.get().toString(policy)));
            } catch (JsonProcessingException e) {
                content.put("policy", SpecificData.get().toString(policy));
            }
        }
        return toJson(content);
    }

    private static String toJson(Map<String, Object> content) {
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render audit content", e);
        }
    }
}
