package dev.switchboard.compliance.audit;

import java.time.Instant;

import dev.switchboard.events.AuditAnchor;

/**
 * What comparing a chain with its latest anchor on {@code audit.anchors} found.
 *
 * @param status     the outcome
 * @param chainSeq   the anchored place in the chain, when there is an anchor
 * @param rowHash    the anchored row hash, when there is an anchor
 * @param anchoredAt when the anchor was published, when there is an anchor
 * @param detail     what failed, or why the anchor was not checked
 */
public record AnchorCheck(Status status, Long chainSeq, String rowHash, Instant anchoredAt, String detail) {

    public enum Status {
        /** The chain holds the anchored row with the anchored hash. */
        MATCHES,
        /** No anchor was ever published for the chain (no rows yet, or none in the last flush interval). */
        NO_ANCHOR,
        /** The chain does not contain its anchor: it was rewritten or cut. */
        BROKEN,
        /** The anchors could not be read (no broker configured or reachable): only the database was checked. */
        NOT_CHECKED
    }

    static AnchorCheck of(Status status, AuditAnchor anchor, String detail) {
        return new AnchorCheck(status, anchor.getChainSeq(), anchor.getRowHash(), anchor.getAnchoredAt(), detail);
    }

    static AnchorCheck noAnchor() {
        return new AnchorCheck(Status.NO_ANCHOR, null, null, null, "no anchor has been published for this chain");
    }

    static AnchorCheck notChecked(String why) {
        return new AnchorCheck(Status.NOT_CHECKED, null, null, null, "the anchor was not checked: " + why);
    }
}
