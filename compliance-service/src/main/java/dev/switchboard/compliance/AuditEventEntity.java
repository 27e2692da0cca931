package dev.switchboard.compliance;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Immutable;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * One audited event (table {@code audit_events}, created by Flyway), one link of one of its tenant's hash chains
 * (one per source partition, see {@code dev.switchboard.compliance.audit.ChainKey}).
 * Rows are only ever inserted, by {@link AuditEventRepository#insertIfAbsent} through the chain's append,
 * and never changed: the entity is immutable. The fields that {@code row_hash} covers are listed in
 * {@code dev.switchboard.compliance.audit.ChainHash}.
 */
@Entity
@Immutable
@Table(name = "audit_events")
public class AuditEventEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The raw event's id: unique, the idempotency key. An erasure gets an id of its own. */
    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    @Enumerated(EnumType.STRING)
    @Column(name = "event_type", nullable = false, length = 32)
    public EventType eventType;

    @Column(nullable = false)
    public String tenant;

    /** From the envelope; {@code null} on an erasure, which concerns a user rather than one session. */
    @Column(name = "session_id")
    public String sessionId;

    @Column(name = "turn_id")
    public String turnId;

    /** The principal's user: whose data the row holds, and whose data key encrypts its content. */
    @Column(name = "user_id")
    public String userId;

    /**
     * Who produced the event: {@code user} for a turn, the agent id for a result, {@code supervisor} for a
     * decision, the requester for an erasure.
     */
    @Column(nullable = false)
    public String actor;

    /**
     * The id of the event published on the cleared topic (derived from {@link #eventId}); {@code null} for a
     * supervisor decision or an erasure, which are not re-published.
     */
    @Column(name = "cleared_event_id")
    public String clearedEventId;

    /** Where the event was read; {@code null} on an erasure, which comes from an operator's request. */
    @Column(name = "source_topic")
    public String sourceTopic;

    @Column(name = "source_partition")
    public Integer sourcePartition;

    @Column(name = "source_offset")
    public Long sourceOffset;

    /**
     * The redacted content, sealed with the user's data key ({@code enc:v1:...}, see
     * {@code dev.switchboard.compliance.audit.ContentCipher}); plain JSON on an erasure, which holds nothing
     * personal, and on rows written before the chain existed. Raw content is never stored.
     */
    @Column(nullable = false, columnDefinition = "text")
    public String content;

    /** SHA-256 (hex) of the redacted content as a JSON document, before encryption. */
    @Column(name = "content_digest", nullable = false, length = 64)
    public String contentDigest;

    @Column(nullable = false)
    public int redactions;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /**
     * What was decided: for a turn or a result what compliance did ({@code CLEARED}, {@code REDACTED}, ...),
     * for a supervisor decision its kind ({@code DecisionKind} by name), {@code ERASED} for an erasure. Kept as
     * text rather than an enum, so that a row written for a value this build does not know still reads.
     */
    @Column(nullable = false, length = 32)
    public String decision;

    /** A supervisor decision's machine-readable reason, such as {@code handoff_undeclared}. */
    @Column(name = "decision_code")
    public String decisionCode;

    /** The agent a supervisor decision concerns, if any. */
    @Column
    public String agent;

    /** The task a supervisor decision concerns, if any. */
    @Column(name = "task_id")
    public String taskId;

    /** When the row was written; set by the chain's append, since the row hash covers it. */
    @Column(name = "recorded_at", nullable = false, insertable = false, updatable = false)
    public Instant recordedAt;

    /**
     * Which of the tenant's chains the row is in: the partition of the record it audits, -1 for a row from a request
     * (no source position), 0 for the rows written while a tenant had one chain.
     */
    @Column(name = "chain_partition", nullable = false)
    public Integer chainPartition;

    /** Position in its chain: 1, 2, 3...; {@code null} on rows written before the chain existed. */
    @Column(name = "chain_seq")
    public Long chainSeq;

    /** The previous row's {@link #rowHash} in its chain (64 zeros for a chain's first row). */
    @Column(name = "prev_hash", length = 64)
    public String prevHash;

    @Column(name = "row_hash", length = 64)
    public String rowHash;
}
