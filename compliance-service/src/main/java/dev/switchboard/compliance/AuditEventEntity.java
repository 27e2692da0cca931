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
 * One audited event (table {@code audit_events}, created by Flyway). Rows are only ever inserted, by
 * {@link AuditEventRepository#insertIfAbsent}, and never changed: the entity is immutable.
 */
@Entity
@Immutable
@Table(name = "audit_events")
public class AuditEventEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** The raw event's id: unique, the idempotency key. */
    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    @Enumerated(EnumType.STRING)
    @Column(name = "event_type", nullable = false, length = 32)
    public EventType eventType;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "session_id", nullable = false)
    public String sessionId;

    @Column(name = "turn_id", nullable = false)
    public String turnId;

    /**
     * The id of the event published on the cleared topic (derived from {@link #eventId}); {@code null} for a
     * supervisor decision, which is not re-published.
     */
    @Column(name = "cleared_event_id")
    public String clearedEventId;

    @Column(name = "source_topic", nullable = false)
    public String sourceTopic;

    @Column(name = "source_partition", nullable = false)
    public int sourcePartition;

    @Column(name = "source_offset", nullable = false)
    public long sourceOffset;

    /** The redacted content as a JSON document; raw content is never stored. */
    @Column(nullable = false, columnDefinition = "text")
    public String content;

    @Column(nullable = false)
    public int redactions;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    /**
     * A supervisor decision's kind ({@code DecisionKind} by name); {@code null} on other rows. Kept as text
     * rather than the Avro enum, so that a row written for a kind this build does not know still reads.
     */
    @Column(length = 32)
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

    /** Set by the database when the row is inserted. */
    @Column(name = "recorded_at", nullable = false, insertable = false, updatable = false)
    public Instant recordedAt;

    /** Whether this row was written while processing the record at {@code source}. */
    public boolean recordedFrom(SourcePosition source) {
        return sourceTopic.equals(source.topic()) && sourcePartition == source.partition()
                && sourceOffset == source.offset();
    }
}
