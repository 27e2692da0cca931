package dev.switchboard.compliance.audit;

/**
 * The result of walking one tenant's chain.
 *
 * @param tenant      the tenant
 * @param valid       whether every link holds
 * @param rowsChecked how many rows were examined, the broken one included
 * @param firstBroken the first link that does not hold; {@code null} when the chain is valid
 */
public record VerificationReport(String tenant, boolean valid, long rowsChecked, BrokenLink firstBroken) {

    /**
     * Where the chain first breaks.
     *
     * @param chainSeq the row's place in the chain (or the head's, when the head does not match the last row)
     * @param eventId  the row's event id; {@code null} when the break is in the head
     * @param id       the row's database id; {@code null} when the break is in the head
     * @param reason   what does not hold, such as {@code row_hash mismatch}
     */
    public record BrokenLink(Long chainSeq, String eventId, Long id, String reason) {
    }
}
