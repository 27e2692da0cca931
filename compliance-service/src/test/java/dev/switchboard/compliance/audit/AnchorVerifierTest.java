package dev.switchboard.compliance.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
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
        VerificationReport chainBroken = new VerificationReport("acme", false, 3, VerificationReport.CHAIN,
                new VerificationReport.BrokenLink(3L, "e3", 3L, ChainVerifier.ROW_HASH_MISMATCH), null);
        VerificationReport chainValid = new VerificationReport("acme", true, 5, null, null, null);
        AnchorVerifier.Outcome anchorBroken = AnchorVerifier.compare(Optional.of(ANCHOR),
                Optional.of(new ChainHead(3, "d")), Optional.empty());

        VerificationReport both = VerificationReport.of(chainBroken, anchorBroken.check(), anchorBroken.broken());
        VerificationReport anchorOnly = VerificationReport.of(chainValid, anchorBroken.check(), anchorBroken.broken());

        assertThat(both.failedCheck()).isEqualTo(VerificationReport.CHAIN);
        assertThat(both.firstBroken().reason()).isEqualTo(ChainVerifier.ROW_HASH_MISMATCH);
        assertThat(both.anchor().status()).isEqualTo(AnchorCheck.Status.BROKEN);
        assertThat(anchorOnly.valid()).isFalse();
        assertThat(anchorOnly.failedCheck()).isEqualTo(VerificationReport.ANCHOR);
        assertThat(anchorOnly.firstBroken().chainSeq()).isEqualTo(5);
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
