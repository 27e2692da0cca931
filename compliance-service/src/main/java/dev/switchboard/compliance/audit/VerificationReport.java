package dev.switchboard.compliance.audit;

/**
 * The result of verifying one tenant's chain: the chain as stored in the database, then its anchor.
 *
 * @param tenant      the tenant
 * @param valid       whether every check that could be made holds ({@code anchor.status} says whether the anchor
 *                    was one of them)
 * @param rowsChecked how many rows were examined, the broken one included
 * @param failedCheck {@value #CHAIN} when a link, a row or the head in the database does not hold,
 *                    {@value #ANCHOR} when the database chain holds but does not contain its anchor; null when valid
 * @param firstBroken the first link that does not hold; {@code null} when the chain is valid
 * @param anchor      what the comparison with the tenant's anchor found
 */
public record VerificationReport(String tenant, boolean valid, long rowsChecked, String failedCheck,
        BrokenLink firstBroken, AnchorCheck anchor) {

    public static final String CHAIN = "chain";
    public static final String ANCHOR = "anchor";

    /**
     * Where the chain first breaks.
     *
     * @param chainSeq the row's place in the chain (or the head's, when the head does not match the last row, or
     *                 the anchor's, when the anchor is not in the chain)
     * @param eventId  the row's event id; {@code null} when the break is in the head or no row is at that place
     * @param id       the row's database id; {@code null} when the break is in the head or no row is at that place
     * @param reason   what does not hold, such as {@code row_hash mismatch}
     */
    public record BrokenLink(Long chainSeq, String eventId, Long id, String reason) {
    }

    /** The database chain's report completed with the anchor's check. */
    static VerificationReport of(VerificationReport chain, AnchorCheck anchor, BrokenLink anchorBreak) {
        if (!chain.valid()) {
            return new VerificationReport(chain.tenant(), false, chain.rowsChecked(), CHAIN, chain.firstBroken(), anchor);
        }
        if (anchorBreak != null) {
            return new VerificationReport(chain.tenant(), false, chain.rowsChecked(), ANCHOR, anchorBreak, anchor);
        }
        return new VerificationReport(chain.tenant(), true, chain.rowsChecked(), null, null, anchor);
    }
}
