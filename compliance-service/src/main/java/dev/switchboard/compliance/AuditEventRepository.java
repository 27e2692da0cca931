package dev.switchboard.compliance;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;

/** Reads and appends audit rows. */
@ApplicationScoped
public class AuditEventRepository implements PanacheRepository<AuditEventEntity> {

    /**
     * Inserts the row unless one with the same event id exists; must run in a transaction.
     *
     * @return whether a row was inserted
     */
    public boolean insertIfAbsent(AuditEventEntity row) {
        // The nullable values are cast: a bare null parameter has no type PostgreSQL can infer from.
        int inserted = getEntityManager().createNativeQuery("""
                INSERT INTO audit_events (event_id, event_type, tenant, session_id, turn_id, cleared_event_id,
                                          source_topic, source_partition, source_offset, content, redactions,
                                          occurred_at, decision, decision_code, agent, task_id)
                VALUES (:eventId, :eventType, :tenant, :sessionId, :turnId, CAST(:clearedEventId AS VARCHAR),
                        :sourceTopic, :sourcePartition, :sourceOffset, :content, :redactions, :occurredAt,
                        CAST(:decision AS VARCHAR), CAST(:decisionCode AS VARCHAR), CAST(:agent AS VARCHAR),
                        CAST(:taskId AS VARCHAR))
                ON CONFLICT (event_id) DO NOTHING
                """)
                .setParameter("eventId", row.eventId)
                .setParameter("eventType", row.eventType.name())
                .setParameter("tenant", row.tenant)
                .setParameter("sessionId", row.sessionId)
                .setParameter("turnId", row.turnId)
                .setParameter("clearedEventId", row.clearedEventId)
                .setParameter("sourceTopic", row.sourceTopic)
                .setParameter("sourcePartition", row.sourcePartition)
                .setParameter("sourceOffset", row.sourceOffset)
                .setParameter("content", row.content)
                .setParameter("redactions", row.redactions)
                .setParameter("occurredAt", row.occurredAt)
                .setParameter("decision", row.decision)
                .setParameter("decisionCode", row.decisionCode)
                .setParameter("agent", row.agent)
                .setParameter("taskId", row.taskId)
                .executeUpdate();
        return inserted == 1;
    }

    public Optional<AuditEventEntity> findByEventId(String eventId) {
        return find("eventId", eventId).firstResultOptional();
    }

    /** A session's rows, oldest first (by event time, then by insertion). */
    public List<AuditEventEntity> listBySession(String sessionId) {
        return list("sessionId", Sort.by("occurredAt").and("id"), sessionId);
    }
}
