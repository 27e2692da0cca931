package dev.switchboard.compliance.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.events.AuditAnchor;

class AnchorVerifierTest {

    private static final String HASH = "a".repeat(64);
    private static final AuditAnchor ANCHOR = new AuditAnchor("acme", 5L, HASH, Instant.parse("2026-12-01T10:00:00Z"));

    @Test
    void aChainThatHoldsTheAnchoredRowMatches() {
        AnchorVerifier.Outcome outcome = AnchorVerifier.compare(Optional.of(ANCHOR), Optional.of(new ChainHead(7, "b")),
                Optional.of(row(5, HASH)));

        assertThat(outcome.broken()).isNull();
        assertThat(outcome.check().status()).isEqualTo(AnchorCheck.Status.MATCHES);
        assertThat(outcome.check().chainSeq()).isEqualTo(5);
        assertThat(outcome.check().anchoredAt()).isEqualTo(ANCHOR.getAnchoredAt());
    }

    @Test
    void anotherHashAtTheAnchoredPlaceIsABreakThere() {
        AuditEventEntity rewritten = row(5, "c".repeat(64));

        AnchorVerifier.Outcome outcome = AnchorVerifier.compare(Optional.of(ANCHOR), Optional.of(new ChainHead(5, "c")),
                Optional.of(rewritten));

        assertThat(outcome.check().status()).isEqualTo(AnchorCheck.Status.BROKEN);
        assertThat(outcome.broken().chainSeq()).isEqualTo(5);
        assertThat(outcome.broken().eventId()).isEqualTo(rewritten.eventId);
        assertThat(outcome.broken().reason()).startsWith(AnchorVerifier.HASH_DIFFERS_FROM_ANCHOR);
    }

    @Test
    void aChainEndingBeforeTheAnchorIsShorterThanIt() {
        AnchorVerifier.Outcome outcome = AnchorVerifier.compare(Optional.of(ANCHOR), Optional.of(new ChainHead(3, "d")),
                Optional.empty());

        assertThat(outcome.check().status()).isEqualTo(AnchorCheck.Status.BROKEN);
        assertThat(outcome.broken().reason()).isEqualTo(
                AnchorVerifier.SHORTER_THAN_ANCHOR + ": anchored at chain_seq 5, the chain ends at 3");
        assertThat(outcome.broken().eventId()).isNull();
    }

    @Test
    void aChainWithoutHeadIsShorterThanAnyAnchor() {
        assertThat(AnchorVerifier.compare(Optional.of(ANCHOR), Optional.empty(), Optional.empty()).broken().reason())
                .startsWith(AnchorVerifier.SHORTER_THAN_ANCHOR);
    }

    @Test
    void aMissingRowBelowTheHeadIsABreak() {
        AnchorVerifier.Outcome outcome = AnchorVerifier.compare(Optional.of(ANCHOR), Optional.of(new ChainHead(9, "e")),
                Optional.empty());

        assertThat(outcome.broken().reason()).startsWith(AnchorVerifier.NO_ROW_AT_ANCHOR);
    }

    @Test
    void noAnchorIsNoBreak() {
        AnchorVerifier.Outcome outcome = AnchorVerifier.compare(Optional.empty(), Optional.of(new ChainHead(2, "f")),
                Optional.empty());

        assertThat(outcome.broken()).isNull();
        assertThat(outcome.check().status()).isEqualTo(AnchorCheck.Status.NO_ANCHOR);
    }

    @Test
    void aReportIsBrokenByTheChainFirstThenByTheAnchor() {
        ChainReport chainBroken = new ChainReport(0, false, 3, VerificationReport.CHAIN,
                new VerificationReport.BrokenLink(3L, "e3", 3L, ChainVerifier.ROW_HASH_MISMATCH), null);
        ChainReport chainValid = new ChainReport(1, true, 5, null, null, null);
        AnchorVerifier.Outcome anchorBroken = AnchorVerifier.compare(Optional.of(ANCHOR),
                Optional.of(new ChainHead(3, "d")), Optional.empty());

        ChainReport both = ChainReport.of(chainBroken, anchorBroken.check(), anchorBroken.broken());
        ChainReport anchorOnly = ChainReport.of(chainValid, anchorBroken.check(), anchorBroken.broken());

        assertThat(both.failedCheck()).isEqualTo(VerificationReport.CHAIN);
        assertThat(both.firstBroken().reason()).isEqualTo(ChainVerifier.ROW_HASH_MISMATCH);
        assertThat(both.anchor().status()).isEqualTo(AnchorCheck.Status.BROKEN);
        assertThat(anchorOnly.valid()).isFalse();
        assertThat(anchorOnly.failedCheck()).isEqualTo(VerificationReport.ANCHOR);
        assertThat(anchorOnly.firstBroken().chainSeq()).isEqualTo(5);
    }

    @Test
    void aTenantsReportIsValidOnlyWhenEveryChainIsAndNamesTheBrokenOnes() {
        ChainReport intact = ChainReport.of(new ChainReport(0, true, 4, null, null, null), AnchorCheck.noAnchor(), null);
        ChainReport broken = ChainReport.of(new ChainReport(3, false, 2, VerificationReport.CHAIN,
                new VerificationReport.BrokenLink(2L, "e2", 9L, ChainVerifier.ROW_HASH_MISMATCH), null),
                AnchorCheck.noAnchor(), null);

        VerificationReport report = VerificationReport.of("acme", null, List.of(intact, broken));

        assertThat(report.valid()).isFalse();
        assertThat(report.rowsChecked()).isEqualTo(6);
        assertThat(report.brokenChains()).containsExactly(3);
        assertThat(report.chain(0)).get().extracting(ChainReport::valid).isEqualTo(true);
        assertThat(report.chain(3)).get().extracting(ChainReport::firstBroken)
                .extracting(VerificationReport.BrokenLink::chainSeq).isEqualTo(2L);
        assertThat(VerificationReport.of("acme", null, List.of(intact)).valid()).isTrue();
        assertThat(VerificationReport.of("acme", null, List.of()).valid()).isTrue();
    }

    @Test
    void anAnchorKeyNamesItsChainAndAKeyWithoutPartitionTheLegacyChain() {
        assertThat(ChainKey.ofAnchorKey(new ChainKey("acme", 3).id())).isEqualTo(new ChainKey("acme", 3));
        assertThat(ChainKey.ofAnchorKey("acme/-1")).isEqualTo(new ChainKey("acme", ChainKey.REQUESTS));
        assertThat(ChainKey.ofAnchorKey("acme")).isEqualTo(new ChainKey("acme", ChainKey.LEGACY));
        assertThat(ChainKey.ofAnchorKey("a/b/2")).isEqualTo(new ChainKey("a/b", 2));
        assertThat(ChainKey.ofAnchorKey("a/b")).isEqualTo(new ChainKey("a/b", ChainKey.LEGACY));
        assertThat(ChainKey.ofAnchorKey("acme/")).isEqualTo(new ChainKey("acme/", ChainKey.LEGACY));
    }

    private static AuditEventEntity row(long seq, String hash) {
        AuditEventEntity row = new AuditEventEntity();
        row.id = seq * 10;
        row.eventId = "event-" + seq;
        row.chainSeq = seq;
        row.rowHash = hash;
        return row;
    }
}
