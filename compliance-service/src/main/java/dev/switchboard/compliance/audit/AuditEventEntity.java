package dev.switchboard.compliance.audit;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** One audited event: who, which turn, where it was read, and its redacted content. Never raw content. */
@Entity
@Table(name = "audit_events")
public class AuditEventEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    @Column(name = "event_type", nullable = false)
    public String eventType;

    @Column(nullable = false)
    public String tenant;

    @Column(name = "session_id", nullable = false)
    public String sessionId;

    @Column(name = "turn_id", nullable = false)
    public String turnId;

    @Column(name = "principal_user", nullable = false)
    public String principalUser;

    @Column(name = "source_topic", nullable = false)
    public String sourceTopic;

    @Column(name = "source_partition", nullable = false)
    public int sourcePartition;

    @Column(name = "source_offset", nullable = false)
    public long sourceOffset;

    @Column(nullable = false)
    public String content;

    @Column(nullable = false)
    public int redactions;

    @Column(name = "occurred_at", nullable = false)
    public Instant occurredAt;

    @Column(name = "recorded_at", nullable = false, insertable = false, updatable = false)
    public Instant recordedAt;
}
