package dev.switchboard.compliance.audit;

import java.sql.Timestamp;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.switchboard.compliance.Clearing.AuditEntry;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;

/** The audit trail in PostgreSQL. */
@ApplicationScoped
public class AuditEventRepository implements PanacheRepository<AuditEventEntity> {

    /**
     * Records an event once: a second call with the same event id (a redelivered record) changes
     * nothing. Commits in its own transaction.
     *
     * @return whether a row was inserted
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean recordOnce(AuditEntry entry, String topic, int partition, long offset) {
        int inserted = getEntityManager().createNativeQuery("""
                insert into audit_events (event_id, event_type, tenant, session_id, turn_id, principal_user,
                    source_topic, source_partition, source_offset, content, redactions, occurred_at)
                values (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                on conflict (event_id) do nothing""")
                .setParameter(1, entry.eventId())
                .setParameter(2, entry.eventType())
                .setParameter(3, entry.envelope().getTenant())
                .setParameter(4, entry.envelope().getSessionId())
                .setParameter(5, entry.envelope().getTurnId())
                .setParameter(6, entry.envelope().getPrincipal().getUser())
                .setParameter(7, topic)
                .setParameter(8, partition)
                .setParameter(9, offset)
                .setParameter(10, entry.content())
                .setParameter(11, entry.redactions())
                .setParameter(12, Timestamp.from(entry.envelope().getOccurredAt()))
                .executeUpdate();
        return inserted == 1;
    }

    /** A session's audit rows, oldest first. */
    public List<AuditEventEntity> forSession(String sessionId) {
        return list("sessionId", Sort.by("id"), sessionId);
    }
}
