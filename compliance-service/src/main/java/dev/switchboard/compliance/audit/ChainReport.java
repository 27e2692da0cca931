package dev.switchboard.compliance.audit;

import dev.switchboard.compliance.audit.VerificationReport.BrokenLink;

/**
 * The result of verifying one chain of a tenant: the chain as stored in the database, then its anchor.
 *
 * @param partition   the chain's partition ({@link ChainKey}): a source partition, {@value ChainKey#REQUESTS} for
 *                    the rows that come from requests
 * @param valid       whether every check that could be made holds ({@code anchor.status} says whether the anchor
 *                    was one of them)
 * @param rowsChecked how many rows of the chain were examined, the broken one included
 * @param failedCheck {@value VerificationReport#CHAIN} when a link, a row or the head in the database does not hold,
 *                    {@value VerificationReport#ANCHOR} when the database chain holds but does not contain its
 *                    anchor; null when valid
 * @param firstBroken the chain's first link that does not hold; {@code null} when the chain is valid
 * @param anchor      what the comparison with the chain's anchor found
 */
public record ChainReport(int partition, boolean valid, long rowsChecked, String failedCheck, BrokenLink firstBroken,
        AnchorCheck anchor) {

    /** The database chain's report completed with the anchor's check. */
    static ChainReport of(ChainReport chain, AnchorCheck anchor, BrokenLink anchorBreak) {
        if (!chain.valid()) {
            return new ChainReport(chain.partition(), false, chain.rowsChecked(), VerificationReport.CHAIN,
                    chain.firstBroken(), anchor);
        }
        if (anchorBreak != null) {
            return new ChainReport(chain.partition(), false, chain.rowsChecked(), VerificationReport.ANCHOR, anchorBreak,
                    anchor);
        }
        return new ChainReport(chain.partition(), true, chain.rowsChecked(), null, null, anchor);
    }
}
