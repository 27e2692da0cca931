package dev.switchboard.gateway.rest;

import static dev.switchboard.gateway.Callers.asAcme;
import static dev.switchboard.gateway.Callers.asUser;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.net.URL;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.Replies;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class WebChatResourceTest {

    static final String MESSAGES = "/v1/tenants/{tenant}/messages";
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(value = "health/ready", management = true) // under the management root, /q
    URL ready;

    @Inject
    SessionIds sessions;

    String user;
    String sessionId;

    @BeforeEach
    void newUserAndAReadyGateway() {
        user = "user-" + UUID.randomUUID();
        sessionId = sessions.forPrincipal("acme", user);
        // Ready means the reply consumer has its partitions: a reply written from now on will be seen.
        await().atMost(KAFKA_TIMEOUT).until(() -> given().get(ready).statusCode() == 200);
    }

    @Test
    void publishesTheTurnAndAnswers202AfterTheBrokerAcknowledgedIt() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        Response response = asAcme().header("traceparent", traceparent)
                .body(Map.of("user", user, "text", "hello there", "messageId", "web-42"))
                .post(MESSAGES, "acme");

        response.then().statusCode(202)
                .body("sessionId", equalTo(sessionId))
                .body("turnId", notNullValue())
                .body("eventId", notNullValue());
        String turnId = response.path("turnId");
        String eventId = response.path("eventId");

        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            ConsumerRecord<String, TurnReceived> record = turns.first(sessionId, KAFKA_TIMEOUT);
            TurnReceived turn = record.value();
            Envelope envelope = turn.getEnvelope();
            assertThat(turn.getText()).isEqualTo("hello there");
            assertThat(turn.getChannelMessageId()).isEqualTo("web-42");
            assertThat(envelope.getTenant()).isEqualTo("acme");
            assertThat(envelope.getPrincipal().getTenant()).isEqualTo("acme");
            assertThat(envelope.getPrincipal().getUser()).isEqualTo(user);
            assertThat(envelope.getSessionId()).isEqualTo(sessionId);
            assertThat(envelope.getTurnId()).isEqualTo(turnId);
            assertThat(envelope.getEventId()).isEqualTo(eventId);
            assertThat(envelope.getChannel()).isEqualTo("webchat");
            assertThat(envelope.getTraceparent()).isEqualTo(traceparent);
        }
    }

    @Test
    void aUserTokenWritesAsItsSubjectInTheSameSessionAsTheBackendWouldOpen() {
        asUser("acme", user).body(Map.of("text", "from my own token")).post(MESSAGES, "acme")
                .then().statusCode(202).body("sessionId", equalTo(sessionId));
        asUser("acme", user).body(Map.of("user", user, "text", "naming myself")).post(MESSAGES, "acme")
                .then().statusCode(202).body("sessionId", equalTo(sessionId));
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            assertThat(turns.values(sessionId, 2, KAFKA_TIMEOUT)).extracting(TurnReceived::getText)
                    .containsExactly("from my own token", "naming myself");
        }
    }

    @Test
    void aUserTokenCannotWriteAsAnotherUserAndNothingIsPublished() {
        String victim = "victim-" + UUID.randomUUID();
        asUser("acme", user).body(Map.of("user", victim, "text", "I am someone else")).post(MESSAGES, "acme")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("code", equalTo("forbidden"));
        asAcme().body(Map.of("user", victim, "text", "marker")).post(MESSAGES, "acme").then().statusCode(202);
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            assertThat(turns.first(sessions.forPrincipal("acme", victim), KAFKA_TIMEOUT).value().getText())
                    .isEqualTo("marker");
        }
    }

    @Test
    void startsANewTraceWhenTheCallerSentNone() {
        asAcme().body(Map.of("user", user, "text", "untraced")).post(MESSAGES, "acme").then().statusCode(202);
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            assertThat(turns.first(sessionId, KAFKA_TIMEOUT).value().getEnvelope().getTraceparent())
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        }
    }

    @Test
    void refusesAWrongMissingOrForeignKeyAndPublishesNothing() {
        Map<String, String> refused = Map.of("user", user, "text", "refused text");
        Callers.withKey("wrong-key").body(refused).post(MESSAGES, "acme")
                .then().statusCode(401).contentType(Problem.MEDIA_TYPE)
                .header("WWW-Authenticate", notNullValue())
                .body("code", equalTo("unauthorized"))
                .body("status", equalTo(401));
        // A wrong key gets the same answer whether the tenant exists or not.
        Callers.withKey("wrong-key").body(refused).post(MESSAGES, "no-such-tenant")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        given().contentType(ContentType.JSON).body(refused).post(MESSAGES, "acme")
                .then().statusCode(401).body("code", equalTo("unauthorized"));
        // Another tenant's valid key: that tenant's resource does not exist for this caller.
        Callers.withKey(Callers.GLOBEX_KEY).body(refused).post(MESSAGES, "acme")
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE).body("code", equalTo("not-found"));
        // authentication comes first: a refused caller learns nothing about the body
        Callers.withKey("wrong-key").body("{not json").post(MESSAGES, "acme").then().statusCode(401);

        asAcme().body(Map.of("user", user, "text", "marker")).post(MESSAGES, "acme").then().statusCode(202);

        // Records of one session share a partition, in order: had a refused request been published,
        // it would come before the marker.
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            assertThat(turns.first(sessionId, KAFKA_TIMEOUT).value().getText()).isEqualTo("marker");
        }
    }

    @Test
    void answersMalformedJsonWithAProblem() {
        // Truncated JSON reaches the runtime's mappers wrapped in a 400 WebApplicationException (code bad-request)
        asAcme().body("{\"user\": \"alice\", \"text\": ").post(MESSAGES, "acme")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE)
                .body("code", anyOf(equalTo("invalid-json"), equalTo("bad-request")));
        asAcme().body("[1, 2]").post(MESSAGES, "acme")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-json"));
        asAcme().body("{\"user\": {\"id\": 1}, \"text\": \"hi\"}").post(MESSAGES, "acme")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-json"));
        asAcme().body("").post(MESSAGES, "acme")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("code", equalTo("missing-body"));
    }

    @Test
    void namesTheMissingOrInvalidField() {
        asAcme().body(Map.of("text", "hi")).post(MESSAGES, "acme")
                .then().statusCode(400).body("code", equalTo("missing-field")).body("detail", startsWith("user "));
        asAcme().body(Map.of("user", user, "text", "   ")).post(MESSAGES, "acme")
                .then().statusCode(400).body("code", equalTo("missing-field")).body("detail", startsWith("text "));
        asAcme().body(Map.of("user", "u".repeat(129), "text", "hi")).post(MESSAGES, "acme")
                .then().statusCode(400).body("code", equalTo("invalid-field"))
                .body("detail", containsString("the limit is 128"));
        asAcme().body(Map.of("user", "ali\u0007ce", "text", "hi")).post(MESSAGES, "acme")
                .then().statusCode(400).body("code", equalTo("invalid-field"))
                .body("detail", containsString("control characters"));
        asAcme().body(Map.of("user", user, "text", "hi")).queryParam("wait", "forever").post(MESSAGES, "acme")
                .then().statusCode(400).body("code", equalTo("invalid-wait")).body("detail", containsString("1 to 10"));
        asAcme().body(Map.of("user", user, "text", "hi")).queryParam("wait", "11").post(MESSAGES, "acme")
                .then().statusCode(400).body("code", equalTo("invalid-wait"));
    }

    @Test
    void aWebChatUserCannotTakeTheNameOfAChannelIdentity() {
        for (String name : new String[] {"whatsapp:p-abcdefghijklmnopqrst", "slack:U024BE7LH", "sms:+14155550100"}) {
            asAcme().body(Map.of("user", name, "text", "hi")).post(MESSAGES, "acme")
                    .then().statusCode(400).body("code", equalTo("invalid-field"))
                    .body("detail", containsString("channel identities"));
        }
        asAcme().body(Map.of("user", "mailto:ann", "text", "hi")).post(MESSAGES, "acme").then().statusCode(202);
    }

    @Test
    void refusesTooLongTextsAndTooLargeBodies() {
        asAcme().body(Map.of("user", user, "text", "x".repeat(4001))).post(MESSAGES, "acme")
                .then().statusCode(413).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("text-too-long"))
                .body("detail", containsString("the limit is 4000 characters"));
        asAcme().body(Map.of("user", user, "text", "x".repeat(70 * 1024))).post(MESSAGES, "acme")
                .then().statusCode(413).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("body-too-large"))
                .body("status", equalTo(413))
                .body("detail", containsString("the limit is 65536 bytes"));
    }

    @Test
    void waitsForTheReplyToItsTurn() throws Exception {
        CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> asAcme()
                .body(Map.of("user", user, "text", "what time is it?")).queryParam("wait", 10)
                .post(MESSAGES, "acme"));

        // The test plays the rest of the system: it reads the turn and answers it.
        Envelope turn;
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            turn = turns.first(sessionId, KAFKA_TIMEOUT).value().getEnvelope();
        }
        Replies.send(sessionId, Replies.to(turn, "It is tea time."));

        Response response = answer.get(30, TimeUnit.SECONDS);
        response.then().statusCode(200)
                .body("sessionId", equalTo(sessionId))
                .body("turnId", equalTo(turn.getTurnId()))
                .body("reply.text", equalTo("It is tea time."))
                .body("reply.kind", equalTo("AGENT_REPLY"))
                .body("reply.agent", equalTo("concierge"));
    }

    @Test
    void answers504WhenNoReplyComesInTime() {
        Response response = asAcme().body(Map.of("user", user, "text", "anyone there?")).queryParam("wait", 1)
                .post(MESSAGES, "acme");
        response.then().statusCode(504).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("reply-timeout"))
                .body("status", equalTo(504))
                .body("sessionId", equalTo(sessionId))
                .body("detail", containsString("will still arrive"))
                .body("detail", containsString("/sessions/" + sessionId + "/replies"));
        String turnId = response.path("turnId");
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            assertThat(turns.first(sessionId, KAFKA_TIMEOUT).value().getEnvelope().getTurnId()).isEqualTo(turnId);
        }
    }

    @Test
    void answersUnknownPathsWithProblemsToo() {
        asAcme().get("/v1/tenants/acme/nothing-here").then().statusCode(404).contentType(Problem.MEDIA_TYPE)
                .body("code", equalTo("not-found"));
        asAcme().contentType(ContentType.TEXT).body("hello").post(MESSAGES, "acme")
                .then().statusCode(415).contentType(Problem.MEDIA_TYPE);
    }
}
