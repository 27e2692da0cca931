package dev.switchboard.compliance.audit;

import java.util.Optional;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.audit.VerificationReport.BrokenLink;
import dev.switchboard.events.AuditAnchor;

/**
 * Compares one of a tenant's chains in the database with its latest anchor. The anchor was published by compliance
 * after the anchored row had committed, on a topic only compliance may write, so a chain that is sound in itself but no
 * longer holds that row with that hash (or ends before it) was rewritten behind the service's back, head included.
 * Pure: no I/O.
 */
public final class AnchorVerifier {

    public static final String SHORTER_THAN_ANCHOR = "chain is shorter than its anchor";
    public static final String NO_ROW_AT_ANCHOR = "no row at the anchored chain_seq";
    public static final String HASH_DIFFERS_FROM_ANCHOR = "row_hash differs from the anchor";

    /**
     * What the comparison found.
     *
     * @param check  the anchor's part of the report
     * @param broken where the chain breaks against the anchor; null unless {@code check} is {@code BROKEN}
     */
    public record Outcome(AnchorCheck check, BrokenLink broken) {
    }

    private AnchorVerifier() {
    }

    /**
     * @param anchor the chain's latest anchor, if any
     * @param head   the chain's head in the database, if any
     * @param row    the database's row at the anchor's {@code chain_seq}, if any
     */
    public static Outcome compare(Optional<AuditAnchor> anchor, Optional<ChainHead> head, Optional<AuditEventEntity> row) {
        if (anchor.isEmpty()) {
            return new Outcome(AnchorCheck.noAnchor(), null);
        }
        AuditAnchor anchored = anchor.get();
        long end = head.map(ChainHead::seq).orElse(0L);
        String reason;
        if (end < anchored.getChainSeq()) {
            reason = SHORTER_THAN_ANCHOR + ": anchored at chain_seq " + anchored.getChainSeq() + ", the chain ends at " + end;
        } else if (row.isEmpty()) {
            reason = NO_ROW_AT_ANCHOR + " " + anchored.getChainSeq();
        } else if (!anchored.getRowHash().equals(row.get().rowHash)) {
            reason = HASH_DIFFERS_FROM_ANCHOR + " at chain_seq " + anchored.getChainSeq();
        } else {
            return new Outcome(AnchorCheck.of(AnchorCheck.Status.MATCHES, anchored, null), null);
        }
        BrokenLink broken = new BrokenLink(anchored.getChainSeq(), row.map(r -> r.eventId).orElse(null),
                row.map(r -> r.id).orElse(null), reason);
        return new Outcome(AnchorCheck.of(AnchorCheck.Status.BROKEN, anchored, reason), broken);
    }
}
