package dev.switchboard.compliance.audit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.switchboard.compliance.AuditEventRepository;

/** Whether a chain still holds an anchored row as it was anchored: before an anchor is moved on. */
@ApplicationScoped
public class AnchoredRows {

    private final AuditEventRepository audit;

    AnchoredRows(AuditEventRepository audit) {
        this.audit = audit;
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public boolean holds(ChainKey chain, ChainHead anchor) {
        return audit.chainRow(chain, anchor.seq()).map(row -> anchor.hash().equals(row.rowHash)).orElse(false);
    }
}
