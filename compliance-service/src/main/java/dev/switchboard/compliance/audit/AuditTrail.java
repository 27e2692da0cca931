package dev.switchboard.compliance.audit;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;

/**
 * Appends rows to their chains: one hash chain per tenant and source partition ({@link ChainKey}). A transaction
 * locks the heads of the chains it appends to in {@code audit_chain_heads} ({@code SELECT ... FOR UPDATE}), once and
 * in (tenant, partition) order ({@link #lockHeads}), links each row to its chain's head as it moves in memory, and
 * writes each moved head once ({@link #finish}). So appends to one chain are serialized across consumer threads and
 * service instances (a batch at a time), two batches never wait for each other in a cycle, and a transaction that
 * rolls back leaves neither the rows nor the moved heads. Appends to different chains, also of one tenant, never
 * wait for each other. Each moved head is announced ({@link ChainAppended}); once the transaction has committed,
 * {@link AnchorPublisher} anchors it outside the database.
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
        Batch batch = lockHeads(List.of(ChainKey.of(row)));
        appendSealed(batch, row, content);
        return finishOne(batch);
    }

    /** Appends a row whose content is nothing personal (an erasure, a refusal, a policy change), stored as it is. */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean appendPlain(AuditEventEntity row, String content) {
        Batch batch = lockHeads(List.of(ChainKey.of(row)));
        appendPlain(batch, row, content);
        return finishOne(batch);
    }

    /**
     * The heads of a batch's chains, locked for the rest of the transaction and moved in memory by each append;
     * {@link #finish} writes them once. Users' keys are looked up once per batch.
     */
    public static final class Batch {
        private final Map<ChainKey, ChainHead> heads = new HashMap<>();
        private final Set<ChainKey> moved = new HashSet<>();
        private final List<AuditEventEntity> pending = new ArrayList<>();
        private final Map<Owner, byte[]> keys = new HashMap<>();

        private Batch() {
        }
    }

    /** A user whose content a batch seals with their data key. */
    public record Owner(String tenant, String user) implements Comparable<Owner> {

        private static final Comparator<Owner> ORDER = Comparator.comparing(Owner::tenant).thenComparing(Owner::user);

        @Override
        public int compareTo(Owner other) {
            return ORDER.compare(this, other);
        }
    }

    /**
     * Locks the heads of these chains for the rest of the transaction, in (tenant, partition) order, so that
     * transactions locking several heads (batches) never wait for each other in a cycle. Only these heads: a batch
     * of one partition never waits for appends to the tenant's other partitions.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Batch lockHeads(Collection<ChainKey> chains) {
        return lockHeads(chains, List.of());
    }

    /**
     * {@link #lockHeads(Collection)}, then reads (or creates) the data keys of these users, in (tenant, user)
     * order: batches of different chains that meet the same new users never wait for each other's key in a cycle.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public Batch lockHeads(Collection<ChainKey> chains, Collection<Owner> owners) {
        Batch batch = new Batch();
        for (ChainKey chain : new TreeSet<>(chains)) {
            batch.heads.put(chain, lockHead(chain));
        }
        for (Owner owner : new TreeSet<>(owners)) {
            batch.keys.put(owner, keys.keyFor(owner.tenant(), owner.user()));
        }
        return batch;
    }

    /**
     * {@link #appendSealed(AuditEventEntity, String)} within a batch whose heads are locked: the row is linked after
     * its chain's head (which moves in memory) and inserted with the batch's other rows by {@link #finish}. The
     * caller has checked that no row has the event id (one lookup for the batch).
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendSealed(Batch batch, AuditEventEntity row, String content) {
        byte[] key = batch.keys.computeIfAbsent(new Owner(row.tenant, row.userId),
                owner -> keys.keyFor(owner.tenant(), owner.user()));
        append(batch, row, content, ContentCipher.seal(key, content, row.tenant, row.eventId));
    }

    /** {@link #appendPlain(AuditEventEntity, String)} within a batch whose heads are locked, as {@link #appendSealed(Batch, AuditEventEntity, String)}. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void appendPlain(Batch batch, AuditEventEntity row, String content) {
        append(batch, row, content, content);
    }

    /**
     * Inserts the batch's rows (one JDBC batch), writes the moved heads and announces them for anchoring once the
     * transaction has committed.
     *
     * @throws ConcurrentAuditException when another transaction has meanwhile audited one of the rows' event ids
     *         (the links computed after it would be wrong): roll back and process the batch again, which then finds
     *         that row
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void finish(Batch batch) {
        boolean[] inserted = audit.insertIfAbsent(batch.pending);
        for (int i = 0; i < inserted.length; i++) {
            if (!inserted[i]) {
                throw new ConcurrentAuditException(batch.pending.get(i).eventId);
            }
        }
        batch.pending.clear();
        moveHeads(batch);
    }

    /**
     * Finishes a batch of one row: nothing is appended and no head moves when a row with its event id exists.
     *
     * @return whether the row was appended
     */
    private boolean finishOne(Batch batch) {
        if (!audit.insertIfAbsent(batch.pending)[0]) {
            return false;
        }
        batch.pending.clear();
        moveHeads(batch);
        return true;
    }

    private void moveHeads(Batch batch) {
        for (ChainKey chain : new TreeSet<>(batch.moved)) {
            ChainHead head = batch.heads.get(chain);
            entityManager.createNativeQuery("""
                    UPDATE audit_chain_heads SET seq = :seq, hash = :hash
                     WHERE tenant = :tenant AND chain_partition = :partition
                    """)
                    .setParameter("seq", head.seq())
                    .setParameter("hash", head.hash())
                    .setParameter("tenant", chain.tenant())
                    .setParameter("partition", chain.partition())
                    .executeUpdate();
            appended.fire(new ChainAppended(chain, head));
        }
        batch.moved.clear();
    }

    /** The chain's head as it is now, without locking it; empty before the chain's first row. */
    @Transactional(Transactional.TxType.MANDATORY)
    public Optional<ChainHead> head(ChainKey chain) {
        return readHead(chain, false);
    }

    /** The heads of all the tenant's chains as they are now, by partition, without locking them. */
    @Transactional(Transactional.TxType.MANDATORY)
    public SortedMap<Integer, ChainHead> heads(String tenant) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "SELECT chain_partition, seq, hash FROM audit_chain_heads WHERE tenant = :tenant")
                .setParameter("tenant", tenant)
                .getResultList();
        SortedMap<Integer, ChainHead> heads = new TreeMap<>();
        for (Object[] row : rows) {
            heads.put(((Number) row[0]).intValue(), new ChainHead(((Number) row[1]).longValue(), (String) row[2]));
        }
        return heads;
    }

    private void append(Batch batch, AuditEventEntity row, String content, String stored) {
        row.contentDigest = ChainHash.digest(content);
        row.content = stored;
        // The row hash covers the timestamps: keep only what PostgreSQL stores (microseconds).
        row.occurredAt = row.occurredAt.truncatedTo(ChronoUnit.MICROS);
        ChainKey chain = ChainKey.of(row);
        row.chainPartition = chain.partition();
        ChainHead head = batch.heads.computeIfAbsent(chain, this::lockHead);
        row.recordedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        row.chainSeq = head.seq() + 1;
        row.prevHash = head.hash();
        row.rowHash = ChainHash.rowHash(row);
        batch.pending.add(row);
        batch.heads.put(chain, new ChainHead(row.chainSeq, row.rowHash));
        batch.moved.add(chain);
    }

    private ChainHead lockHead(ChainKey chain) {
        Optional<ChainHead> head = readHead(chain, true);
        if (head.isPresent()) {
            return head.get();
        }
        // A chain's first append: create the head; of two instances doing so at once, one waits for the other.
        entityManager.createNativeQuery("""
                INSERT INTO audit_chain_heads (tenant, chain_partition, seq, hash) VALUES (:tenant, :partition, 0, :genesis)
                ON CONFLICT (tenant, chain_partition) DO NOTHING
                """)
                .setParameter("tenant", chain.tenant())
                .setParameter("partition", chain.partition())
                .setParameter("genesis", ChainHash.GENESIS)
                .executeUpdate();
        return readHead(chain, true).orElseThrow(() -> new IllegalStateException("No chain head for " + chain));
    }

    private Optional<ChainHead> readHead(ChainKey chain, boolean lock) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = entityManager.createNativeQuery(
                "SELECT seq, hash FROM audit_chain_heads WHERE tenant = :tenant AND chain_partition = :partition"
                        + (lock ? " FOR UPDATE" : ""))
                .setParameter("tenant", chain.tenant())
                .setParameter("partition", chain.partition())
                .getResultList();
        return rows.stream().findFirst()
                .map(row -> new ChainHead(((Number) row[0]).longValue(), (String) row[1]));
    }
}
