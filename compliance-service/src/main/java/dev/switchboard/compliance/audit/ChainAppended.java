package dev.switchboard.compliance.audit;

/**
 * A row was appended to a chain, which now ends at {@code head}. Fired inside the appending transaction;
 * {@link AnchorPublisher} observes it only once that transaction has committed, so no anchor ever names a row that
 * was rolled back.
 */
public record ChainAppended(ChainKey chain, ChainHead head) {
}
