package dev.switchboard.compliance.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.events.AuditAnchor;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Verifies a tenant's audit trail, for the HTTP endpoint and the command line alike: each of its chains (one per
 * source partition, {@link ChainKey}), first as stored (every link, every row, the head), then against the chain's
 * latest anchor on {@code audit.anchors}, which catches a tail rewritten together with its head. The chains verified
 * are every chain that has a head, rows or an anchor: a chain removed from the database altogether is still reported
 * through its anchor.
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
        // The anchors are read before the database: each was published after its row committed, so every row they
        // name is already there when the walk starts, and appends made meanwhile cannot make one look ahead of its
        // chain.
        SortedMap<Integer, AuditAnchor> anchored;
        String notChecked = null;
        if (!checkAnchors) {
            anchored = new TreeMap<>();
            notChecked = "switchboard.compliance.anchors.check is false (no Kafka)";
        } else {
            try {
                anchored = anchors.latest(tenant);
            } catch (AnchorReader.AnchorsUnavailableException e) {
                anchored = new TreeMap<>();
                notChecked = e.getMessage();
            }
        }
        SortedMap<Integer, AuditAnchor> latest = anchored;
        String skipped = notChecked;
        return QuarkusTransaction.requiringNew().call(() -> {
            SortedMap<Integer, ChainHead> heads = trail.heads(tenant);
            SortedSet<Integer> partitions = new TreeSet<>(heads.keySet());
            partitions.addAll(audit.chainPartitions(tenant));
            partitions.addAll(latest.keySet());
            List<ChainReport> chains = new ArrayList<>();
            for (int partition : partitions) {
                ChainKey chain = new ChainKey(tenant, partition);
                Optional<ChainHead> head = Optional.ofNullable(heads.get(partition));
                ChainReport walked = walk(chain, head);
                if (skipped != null) {
                    chains.add(ChainReport.of(walked, AnchorCheck.notChecked(skipped), null));
                    continue;
                }
                Optional<AuditAnchor> anchor = Optional.ofNullable(latest.get(partition));
                Optional<AuditEventEntity> row = anchor.flatMap(a -> audit.chainRow(chain, a.getChainSeq()));
                AnchorVerifier.Outcome outcome = AnchorVerifier.compare(anchor, head, row);
                chains.add(ChainReport.of(walked, outcome.check(), outcome.broken()));
            }
            return VerificationReport.of(tenant, skipped, chains);
        });
    }

    private ChainReport walk(ChainKey chain, Optional<ChainHead> head) {
        // The head is read first and bounds the walk: rows appended meanwhile are not half-seen, and rows
        // missing at the end show as a head that points past the last row.
        long upTo = head.map(ChainHead::seq).orElse(Long.MAX_VALUE);
        ChainVerifier verifier = new ChainVerifier(chain.partition());
        AuditContents.Reader reader = contents.reader();
        long after = 0;
        while (true) {
            List<AuditEventEntity> page = audit.chainPage(chain, after, upTo, PAGE);
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
