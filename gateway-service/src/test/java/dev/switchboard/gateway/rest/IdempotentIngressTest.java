package dev.switchboard.gateway.rest;

import static dev.switchboard.gateway.Callers.asAcme;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.Replies;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * A message sent again with the same {@code messageId} is the same turn: the same ids, processed once downstream
 * (compliance publishes an event id once), and a synchronous repeat after the reply came is answered with that reply
 * at once, without publishing anything.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class IdempotentIngressTest {

    static final String MESSAGES = "/v1/tenants/{tenant}/messages";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Inject
    SessionIds sessions;

    String user;
    String sessionId;

    @BeforeEach
    void newUserAndAReadyGateway() {
        user = "repeat-" + UUID.randomUUID();
        sessionId = sessions.forPrincipal("acme", user);
        await().atMost(TIMEOUT).until(() -> given().get(ready).statusCode() == 200);
    }

    @Test
    void aMessageWithoutAnIdGetsOneAndSentAgainWithItIsTheSameTurn() {
        JsonPath first = asAcme().body(Map.of("user", user, "text", "hello")).post(MESSAGES, "acme")
                .then().statusCode(202).extract().jsonPath();
        String messageId = first.getString("messageId");
        assertThat(messageId).isNotBlank();

        JsonPath again = asAcme().body(Map.of("user", user, "text", "hello", "messageId", messageId))
                .post(MESSAGES, "acme").then().statusCode(202).extract().jsonPath();
        assertThat(again.getString("turnId")).isEqualTo(first.getString("turnId"));
        assertThat(again.getString("eventId")).isEqualTo(first.getString("eventId"));

        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            List<TurnReceived> published = turns.values(sessionId, 2, TIMEOUT);
            // Both copies carry one event id: compliance audits and clears it once (a DUPLICATE the second time).
            assertThat(published).extracting(turn -> turn.getEnvelope().getEventId())
                    .containsOnly(first.getString("eventId"));
        }
    }

    @Test
    void aSynchronousRepeatAfterTheReplyCameIsAnsweredWithItAndPublishesNothing() throws Exception {
        String messageId = "client-" + UUID.randomUUID();
        Map<String, String> body = Map.of("user", user, "text", "what time is it?", "messageId", messageId);
        CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> asAcme().body(body)
                .queryParam("wait", 10).post(MESSAGES, "acme"));
        Envelope turn;
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            turn = turns.first(sessionId, TIMEOUT).value().getEnvelope();
        }
        Replies.send(sessionId, Replies.to(turn, "It is tea time."));
        answer.get(30, TimeUnit.SECONDS).then().statusCode(200);

        JsonPath repeat = asAcme().body(body).queryParam("wait", 10).post(MESSAGES, "acme")
                .then().statusCode(200).extract().jsonPath();
        assertThat(repeat.getString("turnId")).isEqualTo(turn.getTurnId());
        assertThat(repeat.getString("messageId")).isEqualTo(messageId);
        assertThat(repeat.getString("reply.text")).isEqualTo("It is tea time.");

        // A later message of the session is the second record on turns.raw: the repeat published nothing.
        asAcme().body(Map.of("user", user, "text", "thanks")).post(MESSAGES, "acme").then().statusCode(202);
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            assertThat(turns.values(sessionId, 2, TIMEOUT)).extracting(TurnReceived::getText)
                    .containsExactly("what time is it?", "thanks");
        }
    }

    @Test
    void anUnconfirmedTurnSaysItMayHaveBeenAcceptedAndNamesTheIdToSendItAgainWith() {
        Envelope turn = Replies.forSession("acme", sessionId, "unused").getEnvelope();
        jakarta.ws.rs.core.Response answer = UnconfirmedTurn.response(turn, "client-7", "the broker did not answer");
        assertThat(answer.getStatus()).isEqualTo(503);
        assertThat(answer.getHeaderString("Retry-After")).isEqualTo("5");
        UnconfirmedTurn problem = (UnconfirmedTurn) answer.getEntity();
        assertThat(problem.messageId()).isEqualTo("client-7");
        assertThat(problem.code()).isEqualTo("broker-unavailable");
        assertThat(problem.detail()).contains("may or may not have been accepted").contains("\"client-7\"")
                .doesNotContain("safe to send");
    }
}
