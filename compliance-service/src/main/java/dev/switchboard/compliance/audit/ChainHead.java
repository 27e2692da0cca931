package dev.switchboard.compliance.audit;

/**
 * The last link of a chain (table {@code audit_chain_heads}, one row per tenant and chain partition).
 *
 * @param seq  the last row's {@code chain_seq}; 0 before the first row
 * @param hash the last row's {@code row_hash}; {@link ChainHash#GENESIS} before the first row
 */
public record ChainHead(long seq, String hash) {
}
