package dev.switchboard.compliance.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;

/**
 * Appends rows to their tenant's hash chain. Each append locks the tenant's head row in
 * {@code audit_chain_heads} ({@code SELECT ... FOR UPDATE}) in the caller's transaction, inserts the row as
 * the next link and moves the head, so appends of one tenant are serialized across consumer threads and
 * service instances, and a transaction that rolls back leaves neither the row nor the moved head. Tenants
 * never wait for each other. Each append announces the new head ({@link ChainAppended}); once the transaction has
 * committed, {@link AnchorPublisher} anchors it outside the database.
 */
@ApplicationScoped
public class AuditTrail {

    private final AuditEventRepository audit;
    private final UserKeys keys;
    private final EntityManager entityManager;
    private final Event<ChainAppended> appended;

    AuditTrail(AuditEventRepository audit, UserKeys keys, EntityManager entityManager, Event<ChainAppended> appended) {
        this.audit = audit;
        this.keys = keys;
        this.entityManager = entityManager;
        this.appended = appended;
    }

    /**
     * Appends a row whose content belongs to {@code row.userId}: the content is sealed with that user's data
     * key. Nothing is appended, and the head does not move, when a row with the same event id exists.
     *
     * @param content the redacted content as a JSON document
     * @return whether the row was appended
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendSealed(AuditEventEntity row, String content) {
        byte[] key = keys.keyFor(row.tenant, row.userId);
        return append(row, content, ContentCipher.seal(key, content, row.tenant, row.eventId));
    }

    /** Appends a row whose content is nothing personal (an erasure, a refusal, a policy change), stored as it is. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendPlain(AuditEventEntity row, String content) {
        return append(row, content, content);
    }

    /**
     * Locks the heads of these tenants' chains for the rest of the transaction, in the order of their names, so
     * that transactions locking several heads (batches) never wait for each other in a cycle. Appends in the same
     * transaction then find their head already locked.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void lockHeads(Collection<String> tenants) {
        for (String tenant : new TreeSet<>(tenants)) {
            lockHead(tenant);
        }
    }

    /** The tenant's head as it is now, without locking it; empty before the tenant's first row. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<ChainHead> head(String tenant) {
        return readHead(tenant, false);
    }

    private boolean append(AuditEventEntity row, String content, String stored) {
        row.contentDigest = ChainHash.digest(content);
        row.content = stored;
        // The row hash covers the timestamps: keep only what PostgreSQL stores (microseconds).
        row.occurredAt = row.occurredAt.truncatedTo(ChronoUnit.MICROS);
        ChainHead head = lockHead(row.tenant);
        row.recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        row.chainSeq = head.seq() + 1;
        row.prevHash = head.hash();
        row.rowHash = ChainHash.rowHash(row);
        if (!audit.insertIfAbsent(row)) {
            return false;
        }
        entityManager.createNativeQuery("UPDATE audit_chain_heads SET seq = :seq, hash = :hash WHERE tenant = :tenant")
                .setParameter("seq", row.chainSeq)
                .setParameter("hash", row.rowHash)
                .setParameter("tenant", row.tenant)
                .executeUpdate();
        appended.fire(new ChainAppended(row.tenant, new ChainHead(row.chainSeq, row.rowHash)));
        return true;
    }

    private ChainHead lockHead(String tenant) {
        Optional<ChainHead> head = readHead(tenant, true);
        if (head.isPresent()) {
            return head.get();
        }
        // A tenant's first append: create the head; of two instances doing so at once, one waits for the other.
        entityManager.createNativeQuery("""
                INSERT INTO audit_chain_heads (tenant, seq, hash) VALUES (:tenant, 0, :genesis)
                ON CONFLICT (tenant) DO NOTHING
                """)
                .setParameter("tenant", tenant)
                .setParameter("genesis", ChainHash.GENESIS)
                .executeUpdate();
        return readHead(tenant, true).orElseThrow(() -> new IllegalStateException("No chain head for " + tenant));
    }

    private Optional<ChainHead> readHead(String tenant, boolean lock) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "SELECT seq, hash FROM audit_chain_heads WHERE tenant = :tenant" + (lock ? " FOR UPDATE" : ""))
                .setParameter("tenant", tenant)
                .getResultList();
        return rows.stream().findFirst()
                .map(row -> new ChainHead(((Number) row[0]).longValue(), (String) row[1]));
    }
}
