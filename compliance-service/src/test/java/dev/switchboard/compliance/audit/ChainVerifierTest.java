package dev.switchboard.compliance.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.EventType;

class ChainVerifierTest {

    private static final Instant T0 = Instant.parse("2026-11-24T17:19:30.123456Z");

    @Test
    void anIntactChainIsValid() {
        List<AuditEventEntity> rows = chain(5);

        ChainReport report = verify(rows, head(rows));

        assertThat(report.valid()).isTrue();
        assertThat(report.rowsChecked()).isEqualTo(5);
        assertThat(report.firstBroken()).isNull();
    }

    @Test
    void anEmptyChainWithoutHeadIsValid() {
        assertThat(new ChainVerifier(0).finish(Optional.empty()).valid()).isTrue();
    }

    @Test
    void aChangedFieldBreaksThatRowsHash() {
        List<AuditEventEntity> rows = chain(5);
        ChainHead head = head(rows);
        rows.get(2).decision = "CLEARED";

        ChainReport report = verify(rows, head);

        assertThat(report.valid()).isFalse();
        assertThat(report.rowsChecked()).isEqualTo(3);
        assertThat(report.firstBroken().chainSeq()).isEqualTo(3);
        assertThat(report.firstBroken().eventId()).isEqualTo("e3");
        assertThat(report.firstBroken().reason()).isEqualTo(ChainVerifier.ROW_HASH_MISMATCH);
    }

    @Test
    void aRecomputedHashStillBreaksTheNextLink() {
        List<AuditEventEntity> rows = chain(5);
        ChainHead head = head(rows);
        rows.get(2).turnId = "forged";
        rows.get(2).rowHash = ChainHash.rowHash(rows.get(2));

        ChainReport report = verify(rows, head);

        assertThat(report.firstBroken().chainSeq()).isEqualTo(4);
        assertThat(report.firstBroken().reason()).isEqualTo(ChainVerifier.PREV_HASH_DOES_NOT_LINK);
    }

    @Test
    void aDeletedRowIsASequenceGapAtTheNextRow() {
        List<AuditEventEntity> rows = chain(5);
        ChainHead head = head(rows);
        rows.remove(2);

        ChainReport report = verify(rows, head);

        assertThat(report.firstBroken().chainSeq()).isEqualTo(4);
        assertThat(report.firstBroken().reason()).startsWith(ChainVerifier.SEQUENCE_GAP).contains("expected chain_seq 3");
    }

    @Test
    void rowsRemovedFromTheEndShowInTheHead() {
        List<AuditEventEntity> rows = chain(5);
        ChainHead head = head(rows);
        rows.remove(4);

        ChainReport report = verify(rows, head);

        assertThat(report.valid()).isFalse();
        assertThat(report.firstBroken().chainSeq()).isEqualTo(5);
        assertThat(report.firstBroken().eventId()).isNull();
        assertThat(report.firstBroken().reason()).startsWith(ChainVerifier.HEAD_MISMATCH);
    }

    @Test
    void readableContentMustMatchItsDigestButErasedContentNeedNot() {
        List<AuditEventEntity> rows = chain(3);
        ChainVerifier verifier = new ChainVerifier(0);
        assertThat(verifier.accept(rows.get(0), StoredContent.readable(content(1)))).isTrue();
        assertThat(verifier.accept(rows.get(1), StoredContent.erasedContent())).isTrue();
        assertThat(verifier.accept(rows.get(2), StoredContent.readable("{\"text\":\"changed\"}"))).isFalse();

        ChainReport report = verifier.finish(Optional.of(head(rows)));

        assertThat(report.firstBroken().chainSeq()).isEqualTo(3);
        assertThat(report.firstBroken().reason()).isEqualTo(ChainVerifier.CONTENT_DIGEST_MISMATCH);
    }

    @Test
    void contentThatNoLongerDecryptsIsABreak() {
        List<AuditEventEntity> rows = chain(1);
        ChainVerifier verifier = new ChainVerifier(0);
        verifier.accept(rows.get(0), StoredContent.unreadable(AuditContents.DOES_NOT_DECRYPT));

        assertThat(verifier.finish(Optional.of(head(rows))).firstBroken().reason())
                .isEqualTo(AuditContents.DOES_NOT_DECRYPT);
    }

    @Test
    void theCanonicalFormTellsNullFromEmptyAndDoesNotLetValuesRunTogether() {
        AuditEventEntity a = chain(1).get(0);
        AuditEventEntity b = chain(1).get(0);
        a.agent = null;
        b.agent = "";
        assertThat(ChainHash.canonical(a)).isNotEqualTo(ChainHash.canonical(b));
        a.agent = "x\ntask_id=1:y";
        b.agent = "x";
        b.taskId = "y";
        assertThat(ChainHash.canonical(a)).isNotEqualTo(ChainHash.canonical(b));
    }

    private static ChainReport verify(List<AuditEventEntity> rows, ChainHead head) {
        ChainVerifier verifier = new ChainVerifier(0);
        for (AuditEventEntity row : rows) {
            if (!verifier.accept(row, StoredContent.erasedContent())) {
                break;
            }
        }
        return verifier.finish(Optional.of(head));
    }

    private static ChainHead head(List<AuditEventEntity> rows) {
        AuditEventEntity last = rows.get(rows.size() - 1);
        return new ChainHead(last.chainSeq, last.rowHash);
    }

    private static String content(int i) {
        return "{\"text\":\"message " + i + "\"}";
    }

    private static List<AuditEventEntity> chain(int length) {
        List<AuditEventEntity> rows = new ArrayList<>();
        String previous = ChainHash.GENESIS;
        for (int i = 1; i <= length; i++) {
            AuditEventEntity row = new AuditEventEntity();
            row.id = (long) i;
            row.eventId = "e" + i;
            row.eventType = EventType.TURN_RECEIVED;
            row.tenant = "t";
            row.sessionId = "s";
            row.turnId = "turn-" + i;
            row.userId = "alice";
            row.actor = "user";
            row.decision = "REDACTED";
            row.clearedEventId = "c" + i;
            row.sourceTopic = "turns.raw";
            row.sourcePartition = 0;
            row.sourceOffset = (long) i;
            row.redactions = 1;
            row.contentDigest = ChainHash.digest(content(i));
            row.occurredAt = T0.plusSeconds(i);
            row.recordedAt = T0.plusSeconds(i + 1);
            row.chainSeq = (long) i;
            row.prevHash = previous;
            row.rowHash = ChainHash.rowHash(row);
            previous = row.rowHash;
            rows.add(row);
        }
        return rows;
    }
}
