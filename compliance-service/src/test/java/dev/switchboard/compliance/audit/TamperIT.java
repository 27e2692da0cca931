package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.execute;
import static dev.switchboard.compliance.audit.AuditFixtures.turn;
import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Someone with write access to PostgreSQL changes the trail behind the service's back: verify points at it. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TamperIT {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Inject
    DataSource database;

    @Inject
    VerifyAuditCommand command;

    @Test
    void anUntouchedChainVerifies() {
        String tenant = uniqueTenant();
        auditFiveTurns(tenant);

        given().get("/v1/audit/tenants/" + tenant + "/verify")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("tenant", is(tenant))
                .body("valid", is(true))
                .body("rowsChecked", is(5))
                .body("firstBroken", nullValue());
    }

    @Test
    void aChangedDecisionIsReportedAtThatRow() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        AuditEventEntity third = rows.get(2);

        assertThat(execute(database, "UPDATE audit_events SET decision = 'CLEARED' WHERE id = ?", third.id)).isEqualTo(1);

        given().get("/v1/audit/tenants/" + tenant + "/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("rowsChecked", is(3))
                .body("firstBroken.chainSeq", is(3))
                .body("firstBroken.eventId", is(third.eventId))
                .body("firstBroken.id", is(third.id.intValue()))
                .body("firstBroken.reason", is(ChainVerifier.ROW_HASH_MISMATCH));
    }

    @Test
    void aChangedTurnIdOrContentDigestIsReportedAtThatRow() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        execute(database, "UPDATE audit_events SET turn_id = 'forged' WHERE id = ?", rows.get(3).id);
        execute(database, "UPDATE audit_events SET content_digest = ? WHERE id = ?", "0".repeat(64), rows.get(1).id);

        given().get("/v1/audit/tenants/" + tenant + "/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("firstBroken.chainSeq", is(2))
                .body("firstBroken.eventId", is(rows.get(1).eventId))
                .body("firstBroken.reason", is(ChainVerifier.ROW_HASH_MISMATCH));
    }

    @Test
    void contentMovedFromAnotherRowDoesNotDecrypt() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        execute(database, "UPDATE audit_events SET content = (SELECT content FROM audit_events WHERE id = ?) WHERE id = ?",
                rows.get(1).id, rows.get(2).id);

        given().get("/v1/audit/tenants/" + tenant + "/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("firstBroken.chainSeq", is(3))
                .body("firstBroken.reason", is(AuditContents.DOES_NOT_DECRYPT));
    }

    @Test
    void aDeletedRowIsReportedAsAGap() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);

        assertThat(execute(database, "DELETE FROM audit_events WHERE id = ?", rows.get(2).id)).isEqualTo(1);

        given().get("/v1/audit/tenants/" + tenant + "/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("firstBroken.chainSeq", is(4))
                .body("firstBroken.eventId", is(rows.get(3).eventId))
                .body("firstBroken.reason", startsWith(ChainVerifier.SEQUENCE_GAP));
    }

    @Test
    void theLastRowDeletedIsReportedByTheHead() {
        String tenant = uniqueTenant();
        List<AuditEventEntity> rows = auditFiveTurns(tenant);
        execute(database, "DELETE FROM audit_events WHERE id = ?", rows.get(4).id);

        given().get("/v1/audit/tenants/" + tenant + "/verify")
                .then().statusCode(200)
                .body("valid", is(false))
                .body("firstBroken.chainSeq", is(5))
                .body("firstBroken.reason", startsWith(ChainVerifier.HEAD_MISMATCH));
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

    private List<AuditEventEntity> auditFiveTurns(String tenant) {
        List<AuditEventEntity> rows = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            TurnReceived raw = turn(tenant, "alice", "s-" + tenant, "t" + i, "mail " + i + "@example.com, turn " + i);
            compliance.clearTurn(raw, new SourcePosition("turns.raw", 0, i));
            rows.add(audit.findByEventId(raw.getEnvelope().getEventId()).orElseThrow());
        }
        assertThat(rows).extracting(row -> row.chainSeq).containsExactly(1L, 2L, 3L, 4L, 5L);
        return rows;
    }
}
