package dev.switchboard.compliance;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.hibernate.Session;

import dev.switchboard.compliance.audit.ChainKey;
import io.quarkus.hibernate.orm.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;

/** Reads audit rows, and inserts them for the chain's append (which alone may call {@link #insertIfAbsent}). */
@ApplicationScoped
public class AuditEventRepository implements PanacheRepository<AuditEventEntity> {

    private static final String INSERT = """
            INSERT INTO audit_events (event_id, event_type, tenant, session_id, turn_id, user_id, actor,
                                      cleared_event_id, source_topic, source_partition, source_offset,
                                      content, content_digest, redactions, occurred_at, recorded_at,
                                      decision, decision_code, agent, task_id, chain_partition, chain_seq,
                                      prev_hash, row_hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (event_id) DO NOTHING
            """;

    /**
     * Inserts the rows, already linked into their chains, as one JDBC batch (one round trip), each unless a row with
     * the same event id exists; must run in the transaction that holds their chain heads' locks.
     *
     * @return for each row, in order, whether it was inserted
     */
    public boolean[] insertIfAbsent(List<AuditEventEntity> rows) {
        boolean[] inserted = new boolean[rows.size()];
        if (rows.isEmpty()) {
            return inserted;
        }
        getEntityManager().unwrap(Session.class).doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
                for (AuditEventEntity row : rows) {
                    bind(insert, row);
                    insert.addBatch();
                }
                int[] counts = insert.executeBatch();
                for (int i = 0; i < counts.length; i++) {
                    inserted[i] = counts[i] == 1;
                }
            }
        });
        return inserted;
    }

    private static void bind(PreparedStatement insert, AuditEventEntity row) throws SQLException {
        int i = 1;
        insert.setString(i++, row.eventId);
        insert.setString(i++, row.eventType.name());
        insert.setString(i++, row.tenant);
        insert.setString(i++, row.sessionId);
        insert.setString(i++, row.turnId);
        insert.setString(i++, row.userId);
        insert.setString(i++, row.actor);
        insert.setString(i++, row.clearedEventId);
        insert.setString(i++, row.sourceTopic);
        insert.setObject(i++, row.sourcePartition, Types.INTEGER);
        insert.setObject(i++, row.sourceOffset, Types.BIGINT);
        insert.setString(i++, row.content);
        insert.setString(i++, row.contentDigest);
        insert.setInt(i++, row.redactions);
        insert.setObject(i++, OffsetDateTime.ofInstant(row.occurredAt, ZoneOffset.UTC));
        insert.setObject(i++, OffsetDateTime.ofInstant(row.recordedAt, ZoneOffset.UTC));
        insert.setString(i++, row.decision);
        insert.setString(i++, row.decisionCode);
        insert.setString(i++, row.agent);
        insert.setString(i++, row.taskId);
        insert.setObject(i++, row.chainPartition, Types.INTEGER);
        insert.setObject(i++, row.chainSeq, Types.BIGINT);
        insert.setString(i++, row.prevHash);
        insert.setString(i, row.rowHash);
    }

    /** Where the rows with these event ids were read from, by event id; ids without a row are absent. */
    public Map<String, SourcePosition> positionsOf(Collection<String> eventIds) {
        if (eventIds.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = getEntityManager().createNativeQuery("""
                SELECT event_id, source_topic, source_partition, source_offset FROM audit_events
                 WHERE event_id IN (:ids)
                """)
                .setParameter("ids", eventIds)
                .getResultList();
        Map<String, SourcePosition> positions = new HashMap<>();
        for (Object[] row : rows) {
            positions.put((String) row[0], new SourcePosition((String) row[1],
                    row[2] == null ? -1 : ((Number) row[2]).intValue(), row[3] == null ? -1 : ((Number) row[3]).longValue()));
        }
        return positions;
    }

    public Optional<AuditEventEntity> findByEventId(String eventId) {
        return find("eventId", eventId).firstResultOptional();
    }

    /**
     * The tenant's rows of a session, oldest first (by event time, then by insertion); never another tenant's,
     * even for the same session id.
     */
    public List<AuditEventEntity> listBySession(String tenant, String sessionId) {
        return list("tenant = ?1 and sessionId = ?2", Sort.by("occurredAt").and("id"), tenant, sessionId);
    }

    /** Whether the tenant has audited anything of the session: what makes a session the tenant's to read. */
    public boolean hasSession(String tenant, String sessionId) {
        return count("tenant = ?1 and sessionId = ?2", tenant, sessionId) > 0;
    }

    /** The row at one place of a chain. */
    public Optional<AuditEventEntity> chainRow(ChainKey chain, long chainSeq) {
        return find("tenant = ?1 and chainPartition = ?2 and chainSeq = ?3", chain.tenant(), chain.partition(), chainSeq)
                .firstResultOptional();
    }

    /** Up to {@code limit} rows of a chain after {@code afterSeq} and up to {@code upToSeq}, in order. */
    public List<AuditEventEntity> chainPage(ChainKey chain, long afterSeq, long upToSeq, int limit) {
        return find("tenant = ?1 and chainPartition = ?2 and chainSeq > ?3 and chainSeq <= ?4", Sort.by("chainSeq"),
                chain.tenant(), chain.partition(), afterSeq, upToSeq).page(0, limit).list();
    }

    /** The partitions of the tenant's chains that have rows, in order. */
    public List<Integer> chainPartitions(String tenant) {
        return getEntityManager().createQuery("""
                SELECT DISTINCT e.chainPartition FROM AuditEventEntity e
                 WHERE e.tenant = :tenant AND e.chainSeq IS NOT NULL
                 ORDER BY e.chainPartition
                """, Integer.class)
                .setParameter("tenant", tenant)
                .getResultList();
    }

    /** The sessions in which the tenant's user has audited events, in order. */
    public List<String> sessionsOfUser(String tenant, String user) {
        return getEntityManager().createQuery("""
                SELECT DISTINCT e.sessionId FROM AuditEventEntity e
                 WHERE e.tenant = :tenant AND e.userId = :user AND e.sessionId IS NOT NULL
                 ORDER BY e.sessionId
                """, String.class)
                .setParameter("tenant", tenant)
                .setParameter("user", user)
                .getResultList();
    }
}
