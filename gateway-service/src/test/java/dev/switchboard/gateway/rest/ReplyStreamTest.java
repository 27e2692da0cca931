package dev.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.DeliveryStatus;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.Replies;
import dev.switchboard.gateway.ReplyHub;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.limits.IngressLimits;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class ReplyStreamTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource("/")
    URI root;

    @TestHTTPResource(value = "health/ready", management = true) // under the management root, /q
    URL ready;

    @Inject
    ReplyHub hub;

    @Inject
    IngressLimits limits;

    @Inject
    SessionIds sessions;

    @BeforeEach
    void readyGateway() {
        await().atMost(TIMEOUT).until(() -> given().get(ready).statusCode() == 200);
    }

    /** Opens a reply stream with these headers; the events' data lines go to {@code events}. */
    CompletableFuture<HttpResponse<Stream<String>>> open(String tenant, String sessionId, BlockingQueue<String> events,
            String... headers) {
        HttpRequest request = HttpRequest.newBuilder(root.resolve("/v1/tenants/" + tenant + "/sessions/" + sessionId
                + "/replies")).headers(headers).header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<Stream<String>>> stream = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        stream.thenAccept(response -> response.body()
                .filter(line -> line.startsWith("data:"))
                .forEach(line -> events.add(line.substring("data:".length()).strip())));
        return stream;
    }

    @Test
    void streamsTheRepliesOfItsSessionOnlyAndReportsTheirDelivery() throws Exception {
        String sessionId = sessions.forPrincipal("acme", "stream-" + UUID.randomUUID());
        String otherSession = sessions.forPrincipal("acme", "other-" + UUID.randomUUID());
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = open("acme", sessionId, events,
                "X-Api-Key", Callers.ACME_KEY);
        await().atMost(TIMEOUT).until(() -> hub.streamCount("acme", sessionId) == 1);

        ReplyOutbound forOtherSession = Replies.forSession("acme", otherSession, "not yours");
        ReplyOutbound forOtherTenant = Replies.forSession("globex", sessionId, "not your tenant");
        ReplyOutbound mine = Replies.forSession("acme", sessionId, "yours");
        // One record key for all three puts them in one partition, in this order: if either of the first
        // two reached the stream, it would arrive before the third.
        Replies.send(sessionId, forOtherSession, forOtherTenant, mine);

        String first = events.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).as("first event on the stream").isNotNull();
        JsonNode event = JSON.readTree(first);
        assertThat(event.path("text").asText()).isEqualTo("yours");
        assertThat(event.path("turnId").asText()).isEqualTo(mine.getEnvelope().getTurnId());
        assertThat(event.path("eventId").asText()).isEqualTo(mine.getEnvelope().getEventId());
        assertThat(event.path("kind").asText()).isEqualTo("AGENT_REPLY");
        assertThat(event.path("agent").asText()).isEqualTo("concierge");
        assertThat(stream.get(1, TimeUnit.SECONDS).headers().firstValue("content-type")).get().asString()
                .startsWith("text/event-stream");

        // The undelivered reply under the same key would have been reported first.
        try (var deliveries = TopicReader.fromBeginning(bootstrap, Topics.DELIVERIES)) {
            DeliveryReport report = deliveries.first(sessionId, TIMEOUT).value();
            assertThat(report.getReplyEventId()).isEqualTo(mine.getEnvelope().getEventId());
            assertThat(report.getStatus()).isEqualTo(DeliveryStatus.DELIVERED);
            assertThat(report.getEnvelope().getEventId())
                    .isEqualTo(Envelopes.derivedId(mine.getEnvelope().getEventId(), "delivery"));
            assertThat(report.getEnvelope().getTenant()).isEqualTo("acme");
            assertThat(report.getEnvelope().getSessionId()).isEqualTo(sessionId);
            assertThat(report.getEnvelope().getTurnId()).isEqualTo(mine.getEnvelope().getTurnId());
        }

        // A client that goes away leaves nothing behind.
        stream.get(1, TimeUnit.SECONDS).body().close();
        await().atMost(TIMEOUT).until(() -> hub.streamCount("acme", sessionId) == 0);
    }

    @Test
    void aUserTokenStreamsItsOwnSessionOnly() throws Exception {
        String user = "streamer-" + UUID.randomUUID();
        String own = sessions.forPrincipal("acme", user);
        String someoneElses = sessions.forPrincipal("acme", "someone-" + UUID.randomUUID());
        String token = TestTokens.user("acme", user);
        given().header("Authorization", TestTokens.bearer(token))
                .get("/v1/tenants/acme/sessions/{id}/replies", someoneElses)
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE).body("code", equalTo("not-found"));

        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        CompletableFuture<HttpResponse<Stream<String>>> stream = open("acme", own, events,
                "Authorization", TestTokens.bearer(token));
        await().atMost(TIMEOUT).until(() -> hub.streamCount("acme", own) == 1);
        Replies.send(own, Replies.forSession("acme", own, "for you"));
        String first = events.poll(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).isNotNull();
        assertThat(JSON.readTree(first).path("text").asText()).isEqualTo("for you");
        stream.get(1, TimeUnit.SECONDS).body().close();
        await().atMost(TIMEOUT).until(() -> hub.streamCount("acme", own) == 0 && limits.openStreams("acme") == 0);
    }

    @Test
    void refusesAStreamWithoutTheTenantsKey() {
        String sessionId = sessions.forPrincipal("acme", "alice");
        given().header("X-Api-Key", "wrong-key").get("/v1/tenants/acme/sessions/{id}/replies", sessionId)
                .then().statusCode(401).contentType(Problem.MEDIA_TYPE).body("code", equalTo("unauthorized"));
        given().header("X-Api-Key", Callers.ACME_KEY).get("/v1/tenants/acme/sessions/{id}/replies", "not-a-uuid")
                .then().statusCode(400).body("code", equalTo("invalid-session-id"));
    }
}
