package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.queryString;
import static dev.switchboard.compliance.audit.AuditFixtures.turn;
import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static dev.switchboard.compliance.TestHttp.as;
import static dev.switchboard.compliance.TestHttp.auditorOf;
import static dev.switchboard.compliance.TestHttp.operatorActor;
import static dev.switchboard.compliance.TestHttp.operatorOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Erasing a user shreds their audited content, keeps everyone else's, and keeps the chain valid. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class ErasureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Inject
    DataSource database;

    @Test
    void erasingAliceShredsHerContentKeepsBobsAndTheChainStillVerifies() {
        String tenant = uniqueTenant();
        String aliceFirst = "s-alice-1-" + tenant;
        String aliceSecond = "s-alice-2-" + tenant;
        String bobs = "s-bob-" + tenant;
        String aliceEvent = audit(tenant, "alice", aliceFirst, "alice says: reach me at alice@example.com", 1);
        audit(tenant, "alice", aliceSecond, "alice again, about her order", 2);
        audit(tenant, "bob", bobs, "bob says hello", 3);
        audit(tenant, "alice", aliceFirst, "alice once more", 4);

        auditorOf(tenant).get(session(tenant, aliceFirst)).then().statusCode(200)
                .body("[0].content.text", is("alice says: reach me at [EMAIL]"))
                .body("[0].erased", is(false));

        // A requestedBy in the body is not an actor: the verified caller is.
        operatorOf(tenant).contentType(ContentType.JSON)
                .body(Map.of("user", "alice", "requestedBy", "someone-else"))
                .post(erasures(tenant))
                .then().statusCode(202).contentType(ContentType.JSON)
                .body("tenant", is(tenant))
                .body("user", is("alice"))
                .body("requestedBy", is(operatorActor(tenant)))
                .body("sessions", contains(aliceFirst, aliceSecond))
                .body("keyDestroyed", is(true));

        // Alice's content is gone from the API...
        auditorOf(tenant).get(session(tenant, aliceFirst)).then().statusCode(200)
                .body("size()", is(2))
                .body("[0].content", nullValue())
                .body("[0].erased", is(true))
                .body("[1].content", nullValue())
                .body("[1].erased", is(true))
                .body("[0].userId", is("alice"))
                .body("[0].decision", is("REDACTED"));
        auditorOf(tenant).get(session(tenant, aliceSecond)).then().statusCode(200)
                .body("[0].content", nullValue())
                .body("[0].erased", is(true));
        // ...and from the table: ciphertext whose key no longer exists.
        assertThat(queryString(database, "SELECT content FROM audit_events WHERE event_id = ?", aliceEvent))
                .startsWith("enc:v1:").doesNotContain("alice says");
        assertThat(queryString(database, "SELECT count(*) FROM audit_user_keys WHERE tenant = ? AND user_id = ?",
                tenant, "alice")).isEqualTo("0");
        assertThat(queryString(database, "SELECT count(*) FROM audit_user_keys WHERE tenant = ? AND user_id = ?",
                tenant, "bob")).isEqualTo("1");

        // Bob's content is intact.
        auditorOf(tenant).get(session(tenant, bobs)).then().statusCode(200)
                .body("[0].content.text", is("bob says hello"))
                .body("[0].erased", is(false));

        // The chains still verify, and the erasure is a link of the tenant's requests chain (it was read from no
        // record), with nothing of what was erased.
        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify").then().statusCode(200)
                .body("valid", is(true))
                .body("rowsChecked", is(5))
                .body("firstBroken", nullValue());
        List<AuditEventEntity> chain = QuarkusTransaction.requiringNew()
                .call(() -> audit.chainPage(new ChainKey(tenant, ChainKey.REQUESTS), 0, Long.MAX_VALUE, 100));
        AuditEventEntity erasure = chain.get(chain.size() - 1);
        assertThat(erasure.eventType).isEqualTo(EventType.ERASURE);
        assertThat(erasure.chainPartition).isEqualTo(ChainKey.REQUESTS);
        assertThat(erasure.chainSeq).isEqualTo(1);
        assertThat(erasure.userId).isEqualTo("alice");
        assertThat(erasure.actor).isEqualTo(operatorActor(tenant));
        assertThat(erasure.decision).isEqualTo(ErasureService.ERASED);
        assertThat(erasure.sessionId).isNull();
        assertThat(erasure.content).doesNotContain("reach me").doesNotContain("order")
                .contains(aliceFirst).contains(aliceSecond);

        // One ErasureRequested per session of Alice's, keyed by the session, for the services holding state.
        // A reader per session: a reader skips the records of other keys it polls on the way.
        for (String session : List.of(aliceFirst, aliceSecond)) {
            try (TopicReader<ErasureRequested> erasures = TopicReader.fromBeginningAs("memory", Topics.ERASURES)) {
                ErasureRequested request = erasures.first(session, WAIT).value();
                assertThat(request.getTenant()).isEqualTo(tenant);
                assertThat(request.getUser()).isEqualTo("alice");
                assertThat(request.getSessionId()).isEqualTo(session);
                assertThat(request.getRequestedBy()).isEqualTo(operatorActor(tenant));
                assertThat(request.getRequestedAt()).isNotNull();
            }
        }
    }

    @Test
    void erasingAgainFindsTheSameSessionsAndTheChainStillVerifies() {
        String tenant = uniqueTenant();
        String session = "s-" + tenant;
        audit(tenant, "carol", session, "carol's message", 1);

        for (boolean keyDestroyed : List.of(true, false)) {
            operatorOf(tenant).contentType(ContentType.JSON)
                    .body(Map.of("user", "carol"))
                    .post(erasures(tenant))
                    .then().statusCode(202)
                    .body("sessions", contains(session))
                    .body("keyDestroyed", is(keyDestroyed));
        }

        auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify").then().statusCode(200)
                .body("valid", is(true))
                .body("rowsChecked", is(3));
    }

    @Test
    void anErasureByAnyoneButTheTenantsOperatorIsRefusedAndErasesNothing() {
        String tenant = uniqueTenant();
        String session = "s-" + tenant;
        audit(tenant, "dave", session, "dave's message", 1);
        Map<String, String> request = Map.of("user", "dave");

        given().contentType(ContentType.JSON).body(request).post(erasures(tenant)).then().statusCode(401);
        as(TestTokens.forged(tenant, "operator")).contentType(ContentType.JSON).body(request).post(erasures(tenant))
                .then().statusCode(401);
        auditorOf(tenant).contentType(ContentType.JSON).body(request).post(erasures(tenant)).then().statusCode(403);
        operatorOf(uniqueTenant()).contentType(ContentType.JSON).body(request).post(erasures(tenant))
                .then().statusCode(404);

        auditorOf(tenant).get(session(tenant, session)).then().statusCode(200)
                .body("[0].content.text", is("dave's message"))
                .body("[0].erased", is(false));
        assertThat(queryString(database, "SELECT count(*) FROM audit_user_keys WHERE tenant = ? AND user_id = ?",
                tenant, "dave")).isEqualTo("1");
    }

    @Test
    void anErasureWithoutUserIsABadRequest() {
        String tenant = uniqueTenant();
        operatorOf(tenant).contentType(ContentType.JSON).body(Map.of("requestedBy", "dpo@acme"))
                .post(erasures(tenant)).then().statusCode(400)
                .contentType("application/problem+json")
                .body("code", is("invalid-request"));
    }

    private static String erasures(String tenant) {
        return "/v1/tenants/" + tenant + "/erasures";
    }

    private static String session(String tenant, String session) {
        return "/v1/tenants/" + tenant + "/audit/sessions/" + session;
    }

    private String audit(String tenant, String user, String session, String text, long offset) {
        var raw = turn(tenant, user, session, "t" + offset, text);
        compliance.clearTurn(raw, new SourcePosition("turns.raw", 0, offset));
        return raw.getEnvelope().getEventId();
    }
}
