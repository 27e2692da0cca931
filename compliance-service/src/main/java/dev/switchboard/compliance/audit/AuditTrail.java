package dev.switchboard.compliance.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;

/**
 * Appends rows to their tenant's hash chain. A transaction locks the heads of the tenants it appends to in
 * {@code audit_chain_heads} ({@code SELECT ... FOR UPDATE}), once and in the order of the tenants' names
 * ({@link #lockHeads}), links each row to the head as it moves in memory, and writes each moved head once
 * ({@link #finish}). So appends of one tenant are serialized across consumer threads and service instances (a
 * batch at a time), two batches never wait for each other in a cycle, and a transaction that rolls back leaves
 * neither the rows nor the moved heads. Tenants never wait for each other. Each moved head is announced
 * ({@link ChainAppended}); once the transaction has committed, {@link AnchorPublisher} anchors it outside the
 * database.
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
        Batch batch = lockHeads(List.of(row.tenant));
        boolean appended = appendSealed(batch, row, content);
        finish(batch);
        return appended;
    }

    /** Appends a row whose content is nothing personal (an erasure, a refusal, a policy change), stored as it is. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendPlain(AuditEventEntity row, String content) {
        Batch batch = lockHeads(List.of(row.tenant));
        boolean appended = appendPlain(batch, row, content);
        finish(batch);
        return appended;
    }

    /**
     * The heads of a batch's chains, locked for the rest of the transaction and moved in memory by each append;
     * {@link #finish} writes them once. Users' keys are looked up once per batch.
     */
    public static final class Batch {
        private final Map<String, ChainHead> heads = new HashMap<>();
        private final Set<String> moved = new HashSet<>();
        private final Map<String, byte[]> keys = new HashMap<>();

        private Batch() {
        }
    }

    /**
     * Locks the heads of these tenants' chains for the rest of the transaction, in the order of their names, so
     * that transactions locking several heads (batches) never wait for each other in a cycle.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Batch lockHeads(Collection<String> tenants) {
        Batch batch = new Batch();
        for (String tenant : new TreeSet<>(tenants)) {
            batch.heads.put(tenant, lockHead(tenant));
        }
        return batch;
    }

    /** {@link #appendSealed(AuditEventEntity, String)} within a batch whose heads are locked. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendSealed(Batch batch, AuditEventEntity row, String content) {
        byte[] key = batch.keys.computeIfAbsent(row.tenant + "\u0000" + row.userId,
                k -> keys.keyFor(row.tenant, row.userId));
        return append(batch, row, content, ContentCipher.seal(key, content, row.tenant, row.eventId));
    }

    /** {@link #appendPlain(AuditEventEntity, String)} within a batch whose heads are locked. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendPlain(Batch batch, AuditEventEntity row, String content) {
        return append(batch, row, content, content);
    }

    /** Writes the moved heads and announces them for anchoring once the transaction has committed. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void finish(Batch batch) {
        for (String tenant : new TreeSet<>(batch.moved)) {
            ChainHead head = batch.heads.get(tenant);
            entityManager.createNativeQuery("UPDATE audit_chain_heads SET seq = :seq, hash = :hash WHERE tenant = :tenant")
                    .setParameter("seq", head.seq())
                    .setParameter("hash", head.hash())
                    .setParameter("tenant", tenant)
                    .executeUpdate();
            appended.fire(new ChainAppended(tenant, head));
        }
        batch.moved.clear();
    }

    /** The tenant's head as it is now, without locking it; empty before the tenant's first row. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<ChainHead> head(String tenant) {
        return readHead(tenant, false);
    }

    private boolean append(Batch batch, AuditEventEntity row, String content, String stored) {
        row.contentDigest = ChainHash.digest(content);
        row.content = stored;
        // The row hash covers the timestamps: keep only what PostgreSQL stores (microseconds).
        row.occurredAt = row.occurredAt.truncatedTo(ChronoUnit.MICROS);
        ChainHead head = batch.heads.computeIfAbsent(row.tenant, this::lockHead);
        row.recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        row.chainSeq = head.seq() + 1;
        row.prevHash = head.hash();
        row.rowHash = ChainHash.rowHash(row);
        if (!audit.insertIfAbsent(row)) {
            return false;
        }
        batch.heads.put(row.tenant, new ChainHead(row.chainSeq, row.rowHash));
        batch.moved.add(row.tenant);
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
