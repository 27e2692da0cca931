package dev.switchboard.compliance.audit;

import java.util.Optional;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.audit.VerificationReport.BrokenLink;

/**
 * Walks one chain of a tenant ({@link ChainKey}), row after row in {@code chain_seq} order, and finds the first link that does not
 * hold: a missing or repeated sequence number, a {@code prev_hash} that is not the previous row's hash, a
 * {@code row_hash} that does not match the row's fields, or content that is still readable but no longer
 * matches its {@code content_digest}. Content that was erased is not a break: the hashes never depended on it.
 * At the end the chain head must point at the last row, which catches rows removed from the end.
 *
 * <p>Pure and incremental, so that a long chain can be fed page by page: {@link #accept} each row, then
 * {@link #finish}.
 */
public final class ChainVerifier {

    public static final String SEQUENCE_GAP = "sequence gap";
    public static final String PREV_HASH_DOES_NOT_LINK = "prev_hash does not link";
    public static final String ROW_HASH_MISMATCH = "row_hash mismatch";
    public static final String CONTENT_DIGEST_MISMATCH = "content does not match content_digest";
    public static final String HEAD_MISMATCH = "chain head does not match the last row";

    private final int partition;
    private long expectedSeq = 1;
    private String previousHash = ChainHash.GENESIS;
    private long rowsChecked;
    private BrokenLink broken;

    /** @param partition the partition of the chain walked */
    public ChainVerifier(int partition) {
        this.partition = partition;
    }

    /**
     * Checks the next row of the chain.
     *
     * @param content what can be read of the row's content
     * @return whether to go on: false once a link is broken
     */
    public boolean accept(AuditEventEntity row, StoredContent content) {
        if (broken != null) {
            return false;
        }
        rowsChecked++;
        String reason = check(row, content);
        if (reason != null) {
            broken = new BrokenLink(row.chainSeq, row.eventId, row.id, reason);
            return false;
        }
        expectedSeq++;
        previousHash = row.rowHash;
        return true;
    }

    /** The report, given the chain's head as read before the rows (empty when the chain has none). */
    public ChainReport finish(Optional<ChainHead> head) {
        if (broken == null) {
            long lastSeq = expectedSeq - 1;
            ChainHead expected = head.orElse(new ChainHead(0, ChainHash.GENESIS));
            if (expected.seq() != lastSeq || !expected.hash().equals(previousHash)) {
                broken = new BrokenLink(expected.seq(), null, null, HEAD_MISMATCH + ": the head is at chain_seq "
                        + expected.seq() + ", the last row found is " + lastSeq);
            }
        }
        return new ChainReport(partition, broken == null, rowsChecked, broken == null ? null : VerificationReport.CHAIN,
                broken, null);
    }

    private String check(AuditEventEntity row, StoredContent content) {
        if (row.chainSeq == null || row.chainSeq != expectedSeq) {
            return SEQUENCE_GAP + ": expected chain_seq " + expectedSeq + ", found " + row.chainSeq;
        }
        if (!previousHash.equals(row.prevHash)) {
            return PREV_HASH_DOES_NOT_LINK;
        }
        if (!ChainHash.rowHash(row).equals(row.rowHash)) {
            return ROW_HASH_MISMATCH;
        }
        if (content.problem() != null) {
            return content.problem();
        }
        if (content.json() != null && !ChainHash.digest(content.json()).equals(row.contentDigest)) {
            return CONTENT_DIGEST_MISMATCH;
        }
        return null;
    }
}
