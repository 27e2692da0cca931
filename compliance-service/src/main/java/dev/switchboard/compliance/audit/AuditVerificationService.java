package dev.switchboard.compliance.audit;

import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.events.AuditAnchor;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Verifies a tenant's chain, for the HTTP endpoint and the command line alike: first the chain as stored (every
 * link, every row, the head), then against the tenant's latest anchor on {@code audit.anchors}, which catches a
 * tail rewritten together with its head.
 */
@ApplicationScoped
public class AuditVerificationService {

    private static final int PAGE = 500;

    private final AuditEventRepository audit;
    private final AuditTrail trail;
    private final AuditContents contents;
    private final AnchorReader anchors;
    private final boolean checkAnchors;

    AuditVerificationService(AuditEventRepository audit, AuditTrail trail, AuditContents contents, AnchorReader anchors,
            @ConfigProperty(name = "switchboard.compliance.anchors.check", defaultValue = "true") boolean checkAnchors) {
        this.audit = audit;
        this.trail = trail;
        this.contents = contents;
        this.anchors = anchors;
        this.checkAnchors = checkAnchors;
    }

    public VerificationReport verify(String tenant) {
        // The anchor is read before the database: it was published after its row committed, so every row it names
        // is already there when the walk starts, and appends made meanwhile cannot make it look ahead of the chain.
        Optional<AuditAnchor> anchor;
        String notChecked = null;
        if (!checkAnchors) {
            anchor = Optional.empty();
            notChecked = "switchboard.compliance.anchors.check is false (no Kafka)";
        } else {
            try {
                anchor = anchors.latest(tenant);
            } catch (AnchorReader.AnchorsUnavailableException e) {
                anchor = Optional.empty();
                notChecked = e.getMessage();
            }
        }
        Optional<AuditAnchor> anchored = anchor;
        String skipped = notChecked;
        return QuarkusTransaction.requiringNew().call(() -> {
            Optional<ChainHead> head = trail.head(tenant);
            VerificationReport chain = walk(tenant, head);
            if (skipped != null) {
                return VerificationReport.of(chain, AnchorCheck.notChecked(skipped), null);
            }
            Optional<AuditEventEntity> row = anchored.flatMap(a -> audit.chainRow(tenant, a.getChainSeq()));
            AnchorVerifier.Outcome outcome = AnchorVerifier.compare(anchored, head, row);
            return VerificationReport.of(chain, outcome.check(), outcome.broken());
        });
    }

    private VerificationReport walk(String tenant, Optional<ChainHead> head) {
        // The head is read first and bounds the walk: rows appended meanwhile are not half-seen, and rows
        // missing at the end show as a head that points past the last row.
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
