package dev.switchboard.compliance.audit;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;

/** Verifies a tenant's chain as stored: for the HTTP endpoint and the command line alike. */
@ApplicationScoped
public class AuditVerificationService {

    private static final int PAGE = 500;

    private final AuditEventRepository audit;
    private final AuditTrail trail;
    private final AuditContents contents;

    AuditVerificationService(AuditEventRepository audit, AuditTrail trail, AuditContents contents) {
        this.audit = audit;
        this.trail = trail;
        this.contents = contents;
    }

    @Transactional
    public VerificationReport verify(String tenant) {
        // The head is read first and bounds the walk: rows appended meanwhile are not half-seen, and rows
        // missing at the end show as a head that points past the last row.
        Optional<ChainHead> head = trail.head(tenant);
        long upTo = head.map(ChainHead::seq).orElse(Long.MAX_VALUE);
        ChainVerifier verifier = new ChainVerifier(tenant);
        AuditContents.Reader reader = contents.reader();
        long after = 0;
        while (true) {
            List<AuditEventEntity> page = audit.chainPage(tenant, after, upTo, PAGE);
            for (AuditEventEntity row : page) {
                if (!verifier.accept(row, reader.read(row))) {
                    return verifier.finish(head);
                }
                after = row.chainSeq;
            }
            // Read-only: nothing to flush; keeps a long walk from filling the persistence context.
            audit.getEntityManager().clear();
            if (page.size() < PAGE) {
                return verifier.finish(head);
            }
        }
    }
}
