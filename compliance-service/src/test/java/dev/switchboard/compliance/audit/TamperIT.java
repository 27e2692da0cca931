package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.execute;
import static dev.switchboard.compliance.audit.AuditFixtures.turn;
import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static dev.switchboard.compliance.TestHttp.auditorOf;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Someone with write access to PostgreSQL changes the trail behind the service's back: verify points at it, in the
 * chain where it happened (a tenant has one chain per source partition), in the database alone where it can, and
 * through the chain's anchor on {@code audit.anchors} where the database chain was rewritten consistently (hashes
 * recomputed, head moved).
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class TamperIT {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Inject
    DataSource database;

    @Inject
    VerifyAuditCommand command;

    @Inject
    AnchorReader anchors;

    @Test
    void anUntouchedChainVerifies() {
        String tenant = uniqueTenant();
        auditFiveTurns(tenant);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("tenant", is(tenant))
                .body("valid", is(true))
                .body("rowsChecked", is(5))
                .body("brokenChains", empty())
                .body("chains.partition", contains(0))
                .body("chains[0].failedCheck", nullValue())
                .body("chains[0].firstBroken", nullValue());
    }

    @Test
    void anUntouchedAnchoredChainVerifiesAgainstItsAnchor() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        awaitAnchorAt(tenant, 5);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(true))
                .body("chains[0].anchor.status", is("MATCHES"))
                .body("chains[0].anchor.chainSeq", is(5))
                .body("chains[0].anchor.rowHash", is(rows.get(4).rowHash))
                .body("chains[0].firstBroken", nullValue());
    }

    @Test
    void aTailAndHeadRewrittenConsistentlyAreCaughtByTheAnchorAndNeverReAnchored() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        awaitAnchorAt(tenant, 5);

        // Rows 4 and 5 say CLEARED instead of REDACTED; their hashes are recomputed and the head follows them, so
        // the database chain alone is sound again.
        String previous = rows.get(2).rowHash;
        for (AuditEventEntity row : rows.subList(3, 5)) {
            row.decision = "CLEARED";
            row.prevHash = previous;
            row.rowHash = ChainHash.rowHash(row);
            previous = row.rowHash;
            assertThat(execute(database, "UPDATE audit_events SET decision = ?, prev_hash = ?, row_hash = ? WHERE id = ?",
                    row.decision, row.prevHash, row.rowHash, row.id)).isEqualTo(1);
        }
        execute(database, "UPDATE audit_chain_heads SET hash = ? WHERE tenant = ? AND chain_partition = 0", previous, tenant);

        assertBrokenByTheAnchor(tenant, rows.get(4), 5, AnchorVerifier.HASH_DIFFERS_FROM_ANCHOR);

        // The next event links to the forged head; the anchor does not move onto the rewritten chain.
        compliance.clearTurn(turn(tenant, "alice", "s-" + tenant, "t6", "a sixth turn"), new SourcePosition("turns.raw", 0, 6));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                .until(() -> anchors.latest(new ChainKey(tenant, 0)).orElseThrow().getChainSeq() == 5);
        assertBrokenByTheAnchor(tenant, rows.get(4), 6, AnchorVerifier.HASH_DIFFERS_FROM_ANCHOR);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(command.run(tenant, new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(VerifyAuditCommand.BROKEN);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"failedCheck\" : \"anchor\"")
                .contains(AnchorVerifier.HASH_DIFFERS_FROM_ANCHOR);
    }

    @Test
    void aChainCutBelowItsAnchorIsShorterThanTheAnchor() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        awaitAnchorAt(tenant, 5);

        execute(database, "DELETE FROM audit_events WHERE id IN (?, ?)", rows.get(3).id, rows.get(4).id);
        execute(database, "UPDATE audit_chain_heads SET seq = 3, hash = ? WHERE tenant = ? AND chain_partition = 0", rows.get(2).rowHash, tenant);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("rowsChecked", is(3))
                .body("chains[0].failedCheck", is(VerificationReport.ANCHOR))
                .body("chains[0].anchor.status", is("BROKEN"))
                .body("chains[0].firstBroken.chainSeq", is(5))
                .body("chains[0].firstBroken.eventId", nullValue())
                .body("chains[0].firstBroken.reason", startsWith(AnchorVerifier.SHORTER_THAN_ANCHOR));
    }

    @Test
    void aTamperedRowOfOneChainIsReportedInThatChainOnly() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> first = auditFiveTurns(tenant, 0);
        List<AuditEventEntity> second = auditFiveTurns(tenant, 1);
        awaitAnchorAt(new ChainKey(tenant, 0), 5);
        awaitAnchorAt(new ChainKey(tenant, 1), 5);
        AuditEventEntity third = second.get(2);

        assertThat(execute(database, "UPDATE audit_events SET decision = 'CLEARED' WHERE id = ?", third.id)).isEqualTo(1);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("brokenChains", contains(1))
                .body("rowsChecked", is(5 + 3))
                .body("chains.partition", contains(0, 1))
                .body("chains[0].valid", is(true))
                .body("chains[0].rowsChecked", is(5))
                .body("chains[0].firstBroken", nullValue())
                .body("chains[0].anchor.status", is("MATCHES"))
                .body("chains[0].anchor.rowHash", is(first.get(4).rowHash))
                .body("chains[1].valid", is(false))
                .body("chains[1].rowsChecked", is(3))
                .body("chains[1].failedCheck", is(VerificationReport.CHAIN))
                .body("chains[1].firstBroken.chainSeq", is(3))
                .body("chains[1].firstBroken.eventId", is(third.eventId))
                .body("chains[1].firstBroken.reason", is(ChainVerifier.ROW_HASH_MISMATCH));
    }

    @Test
    void aChainRemovedFromTheDatabaseAltogetherIsReportedThroughItsAnchor() {
        String tenant = uniqueTenant();
        auditFiveTurns(tenant, 0);
        auditFiveTurns(tenant, 1);
        awaitAnchorAt(new ChainKey(tenant, 1), 5);

        execute(database, "DELETE FROM audit_events WHERE tenant = ? AND chain_partition = 1", tenant);
        execute(database, "DELETE FROM audit_chain_heads WHERE tenant = ? AND chain_partition = 1", tenant);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("brokenChains", contains(1))
                .body("chains[0].valid", is(true))
                .body("chains[1].partition", is(1))
                .body("chains[1].rowsChecked", is(0))
                .body("chains[1].failedCheck", is(VerificationReport.ANCHOR))
                .body("chains[1].firstBroken.reason", startsWith(AnchorVerifier.SHORTER_THAN_ANCHOR));
    }

    @Test
    void aChangedDecisionIsReportedAtThatRow() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        AuditEventEntity third = rows.get(2);

        assertThat(execute(database, "UPDATE audit_events SET decision = 'CLEARED' WHERE id = ?", third.id)).isEqualTo(1);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("rowsChecked", is(3))
                .body("chains[0].firstBroken.chainSeq", is(3))
                .body("chains[0].firstBroken.eventId", is(third.eventId))
                .body("chains[0].firstBroken.id", is(third.id.intValue()))
                .body("chains[0].firstBroken.reason", is(ChainVerifier.ROW_HASH_MISMATCH))
                .body("chains[0].failedCheck", is(VerificationReport.CHAIN));
    }

    @Test
    void aChangedTurnIdOrContentDigestIsReportedAtThatRow() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        execute(database, "UPDATE audit_events SET turn_id = 'forged' WHERE id = ?", rows.get(3).id);
        execute(database, "UPDATE audit_events SET content_digest = ? WHERE id = ?", "0".repeat(64), rows.get(1).id);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("chains[0].firstBroken.chainSeq", is(2))
                .body("chains[0].firstBroken.eventId", is(rows.get(1).eventId))
                .body("chains[0].firstBroken.reason", is(ChainVerifier.ROW_HASH_MISMATCH));
    }

    @Test
    void contentMovedFromAnotherRowDoesNotDecrypt() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        execute(database, "UPDATE audit_events SET content = (SELECT content FROM audit_events WHERE id = ?) WHERE id = ?",
                rows.get(1).id, rows.get(2).id);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("chains[0].firstBroken.chainSeq", is(3))
                .body("chains[0].firstBroken.reason", is(AuditContents.DOES_NOT_DECRYPT));
    }

    @Test
    void aDeletedRowIsReportedAsAGap() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);

        assertThat(execute(database, "DELETE FROM audit_events WHERE id = ?", rows.get(2).id)).isEqualTo(1);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("chains[0].firstBroken.chainSeq", is(4))
                .body("chains[0].firstBroken.eventId", is(rows.get(3).eventId))
                .body("chains[0].firstBroken.reason", startsWith(ChainVerifier.SEQUENCE_GAP));
    }

    @Test
    void theLastRowDeletedIsReportedByTheHead() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        execute(database, "DELETE FROM audit_events WHERE id = ?", rows.get(4).id);

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("chains[0].firstBroken.chainSeq", is(5))
                .body("chains[0].firstBroken.reason", startsWith(ChainVerifier.HEAD_MISMATCH));
    }

    @Test
    void theCommandExitsWithOneOnABrokenChainAndZeroOnAValidOne() {
        String intact = uniqueTenant();
        auditFiveTurns(intact);
        String tampered = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tampered);
        execute(database, "UPDATE audit_events SET decision = 'CLEARED' WHERE id = ?", rows.get(2).id);

        ByteArrayOutputStream valid = new ByteArrayOutputStream();
        ByteArrayOutputStream broken = new ByteArrayOutputStream();
        assertThat(command.run(intact, new PrintStream(valid, true, StandardCharsets.UTF_8)))
                .isEqualTo(VerifyAuditCommand.VALID).isZero();
        assertThat(command.run(tampered, new PrintStream(broken, true, StandardCharsets.UTF_8)))
                .isEqualTo(VerifyAuditCommand.BROKEN).isEqualTo(1);

        assertThat(valid.toString(StandardCharsets.UTF_8)).contains("\"valid\" : true");
        assertThat(broken.toString(StandardCharsets.UTF_8)).contains("\"valid\" : false")
                .contains("\"chainSeq\" : 3").contains(rows.get(2).eventId).contains(ChainVerifier.ROW_HASH_MISMATCH);
    }

    private void assertBrokenByTheAnchor(String tenant, AuditEventEntity anchored, int rowsChecked, String reason) {
        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("rowsChecked", is(rowsChecked))
                .body("chains[0].failedCheck", is(VerificationReport.ANCHOR))
                .body("chains[0].anchor.status", is("BROKEN"))
                .body("chains[0].anchor.chainSeq", is(5))
                .body("chains[0].firstBroken.chainSeq", is(5))
                .body("chains[0].firstBroken.eventId", is(anchored.eventId))
                .body("chains[0].firstBroken.reason", startsWith(reason));
    }

    private void awaitAnchorAt(String tenant, long seq) {
        awaitAnchorAt(new ChainKey(tenant, 0), seq);
    }

    private void awaitAnchorAt(ChainKey chain, long seq) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(
                () -> anchors.latest(chain).map(anchor -> anchor.getChainSeq() == seq).orElse(false));
    }

    /** Five turns of one session, read from partition 0: the tenant's chain 0. */
    private List<AuditEventEntity> auditFiveTurns(String tenant) {
        return auditFiveTurns(tenant, 0);
    }

    private List<AuditEventEntity> auditFiveTurns(String tenant, int partition) {
        List<AuditEventEntity> rows = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            TurnReceived raw = turn(tenant, "alice", "s-" + partition + "-" + tenant, "t" + i,
                    "mail " + i + "@example.com, turn " + i);
            compliance.clearTurn(raw, new SourcePosition("turns.raw", partition, i));
            rows.add(audit.findByEventId(raw.getEnvelope().getEventId()).orElseThrow());
        }
        assertThat(rows).extracting(row -> row.chainSeq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(rows).extracting(row -> row.chainPartition).containsOnly(partition);
        return rows;
    }
}
