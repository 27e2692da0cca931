package dev.switchboard.gateway.messaging;

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
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.ReplyHub;
import dev.switchboard.gateway.Replies;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * Web chat replies reach the gateway instance that waits for them through its own partition of
 * {@code replies.routed}: the turn names the instance slots that want its replies, and this instance (slot 0 in
 * tests) reads only its partition, not {@code replies.outbound}.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class ReplyRoutingTest {

    static final String MESSAGES = "/v1/tenants/{tenant}/messages";
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @Inject
    SessionIds sessions;

    @Inject
    ReplyHub hub;

    String user;
    String sessionId;

    @BeforeEach
    void newUserAndAReadyGateway() {
        user = "routed-" + UUID.randomUUID();
        sessionId = sessions.forPrincipal("acme", user);
        await().atMost(TIMEOUT).until(() -> given().get(ready).statusCode() == 200);
    }

    @Test
    void aWaitingRequestNamesThisInstanceAndAReplyOnRepliesOutboundAloneDoesNotReachIt() throws Exception {
        CompletableFuture<Response> answer = CompletableFuture.supplyAsync(() -> asAcme()
                .body(Map.of("user", user, "text", "are you there?")).queryParam("wait", 3).post(MESSAGES, "acme"));
        Envelope turn = lastTurn(0);
        assertThat(turn.getReplyTo()).containsExactly(0);

        // The reply without its routed copy: an instance no longer reads every reply, so nobody hands it over.
        ReplyOutbound unrouted = Replies.to(turn, "lost on the way");
        unrouted.getEnvelope().setReplyTo(List.of());
        Replies.send(sessionId, unrouted);

        answer.get(30, TimeUnit.SECONDS).then().statusCode(504);
    }

    @Test
    void aPostedTurnNamesThisInstanceOnlyWhileAStreamOfItsSessionIsOpenHere() throws Exception {
        post();
        assertThat(lastTurn(0).getReplyTo()).isEmpty();

        Cancellable stream = hub.stream("acme", sessionId).subscribe().with(reply -> { });
        try {
            // Other instances learn of the stream from its lease on reply.streams.
            try (var leases = TopicReader.fromBeginning(bootstrap, Topics.REPLY_STREAMS)) {
                assertThat(leases.first(sessionId + "/0", TIMEOUT).value()).isGreaterThan(System.currentTimeMillis());
            }
            post();
            assertThat(lastTurn(1).getReplyTo()).containsExactly(0);
        } finally {
            stream.cancel();
        }
        try (var leases = TopicReader.fromBeginning(bootstrap, Topics.REPLY_STREAMS)) {
            assertThat(leases.first(sessionId + "/0", lease -> lease == null, TIMEOUT).value()).isNull();
        }
        post();
        assertThat(lastTurn(2).getReplyTo()).isEmpty();
    }

    @Test
    void aStreamOpenOnAnotherInstanceIsNamedWhileItsLeaseRuns() throws Exception {
        String otherInstance = sessionId + "/7";
        TopicWriter.sendAs(Callers.PRINCIPAL, Topics.REPLY_STREAMS, otherInstance, System.currentTimeMillis() + 60_000);
        int[] turns = {0};
        await().atMost(TIMEOUT).untilAsserted(() -> {
            post();
            assertThat(lastTurn(turns[0]++).getReplyTo()).containsExactly(7);
        });

        TopicWriter.sendAs(Callers.PRINCIPAL, Topics.REPLY_STREAMS, otherInstance, null);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            post();
            assertThat(lastTurn(turns[0]++).getReplyTo()).isEmpty();
        });

        // A lease that has run out (its instance died without closing it) is not named either.
        TopicWriter.sendAs(Callers.PRINCIPAL, Topics.REPLY_STREAMS, sessionId + "/9", System.currentTimeMillis() - 1);
        TopicWriter.sendAs(Callers.PRINCIPAL, Topics.REPLY_STREAMS, sessionId + "/4", System.currentTimeMillis() + 60_000);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            post();
            assertThat(lastTurn(turns[0]++).getReplyTo()).containsExactly(4);
        });
    }

    private void post() {
        asAcme().body(Map.of("user", user, "text", "hello")).post(MESSAGES, "acme").then().statusCode(202);
    }

    /** The session's turn number {@code index} (from 0) on {@code turns.raw}. */
    private Envelope lastTurn(int index) {
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            return turns.values(sessionId, index + 1, TIMEOUT).get(index).getEnvelope();
        }
    }
}
