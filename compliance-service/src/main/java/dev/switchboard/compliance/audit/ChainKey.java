package dev.switchboard.compliance.audit;

import java.util.Comparator;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.SourcePosition;

/**
 * Which chain a row belongs to: a tenant has one hash chain per source partition ({@code audit_events.chain_partition},
 * {@code audit_chain_heads(tenant, chain_partition)}). A row audited from a Kafka record is in the chain of the
 * record's partition (the events of one session share a partition, so a session's rows share a chain); a row that
 * comes from a request and was read from no record (an erasure, a compliance policy change over HTTP, a replay) is
 * in the chain {@value #REQUESTS}. The rows and heads written before the chains were split are in chain
 * {@value #LEGACY}.
 *
 * <p>Ordered by tenant, then partition: the order in which an append locks heads. {@link #id()} names the chain
 * outside the database ({@code audit.anchors}).
 */
public record ChainKey(String tenant, int partition) implements Comparable<ChainKey> {

    /** The chain of the rows that come from a request rather than from a record. */
    public static final int REQUESTS = -1;
    /** The chain of the rows written while a tenant had one chain (and of the anchors published then). */
    public static final int LEGACY = 0;

    private static final Comparator<ChainKey> ORDER = Comparator.comparing(ChainKey::tenant)
            .thenComparingInt(ChainKey::partition);

    /** The chain of a row audited from the record at {@code source}, or from a request when {@code source} is null. */
    public static ChainKey of(String tenant, SourcePosition source) {
        return new ChainKey(tenant, source == null ? REQUESTS : source.partition());
    }

    /** The chain a row goes to, by the same rule: its source partition, or {@value #REQUESTS} without one. */
    public static ChainKey of(AuditEventEntity row) {
        return new ChainKey(row.tenant, row.sourcePartition == null ? REQUESTS : row.sourcePartition);
    }

    /** {@code tenant/partition}: the chain's key and name on {@code audit.anchors}. */
    public String id() {
        return tenant + "/" + partition;
    }

    /**
     * The chain an anchor's key ({@link #id()}) names. A key without a partition (none after its last {@code /}) is
     * an anchor published while its tenant had one chain: chain {@value #LEGACY} of the tenant the key names. (Such an
     * old key of a tenant whose id itself ends in {@code /} and digits would read as another chain; no tenant id of
     * that shape was ever anchored.)
     */
    public static ChainKey ofAnchorKey(String key) {
        int slash = key.lastIndexOf('/');
        if (slash > 0 && slash < key.length() - 1) {
            String partition = key.substring(slash + 1);
            if (partition.matches("-?[0-9]{1,9}")) {
                return new ChainKey(key.substring(0, slash), Integer.parseInt(partition));
            }
        }
        return new ChainKey(key, LEGACY);
    }

    @Override
    public int compareTo(ChainKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return id();
    }
}
