package dev.switchboard.compliance.audit;

import java.util.List;
import java.util.Optional;

/**
 * The result of verifying a tenant's audit trail: every one of its chains (one per source partition, see
 * {@link ChainKey}), each in the database and against its anchor.
 *
 * @param tenant            the tenant
 * @param valid             whether every chain is valid ({@link ChainReport#valid()})
 * @param rowsChecked       how many rows were examined, in all chains
 * @param brokenChains      the partitions of the chains that are not valid, in order; empty when valid
 * @param anchorsNotChecked why the anchors could not be checked (then no chain's anchor was); null when they were read
 * @param chains            each chain's report, by partition: every chain that has a head, rows or an anchor
 */
public record VerificationReport(String tenant, boolean valid, long rowsChecked, List<Integer> brokenChains,
        String anchorsNotChecked, List<ChainReport> chains) {

    public static final String CHAIN = "chain";
    public static final String ANCHOR = "anchor";

    /**
     * Where a chain first breaks.
     *
     * @param chainSeq the row's place in the chain (or the head's, when the head does not match the last row, or
     *                 the anchor's, when the anchor is not in the chain)
     * @param eventId  the row's event id; {@code null} when the break is in the head or no row is at that place
     * @param id       the row's database id; {@code null} when the break is in the head or no row is at that place
     * @param reason   what does not hold, such as {@code row_hash mismatch}
     */
    public record BrokenLink(Long chainSeq, String eventId, Long id, String reason) {
    }

    /** The tenant's report over its chains' reports. */
    static VerificationReport of(String tenant, String anchorsNotChecked, List<ChainReport> chains) {
        List<Integer> broken = chains.stream().filter(chain -> !chain.valid()).map(ChainReport::partition).toList();
        return new VerificationReport(tenant, broken.isEmpty(), chains.stream().mapToLong(ChainReport::rowsChecked).sum(),
                broken, anchorsNotChecked, List.copyOf(chains));
    }

    /** The report of one chain, if the tenant has it. */
    public Optional<ChainReport> chain(int partition) {
        return chains.stream().filter(chain -> chain.partition() == partition).findFirst();
    }
}
