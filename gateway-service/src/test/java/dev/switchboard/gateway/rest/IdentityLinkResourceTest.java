package dev.switchboard.gateway.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.net.URL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.LinkCode;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.inbound.ChannelIdentities;
import dev.switchboard.gateway.inbound.IdentityLinkService;
import dev.switchboard.gateway.inbound.LinkCodes;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class IdentityLinkResourceTest {

    static final String CODES = "/v1/tenants/{tenant}/users/{user}/link-codes";
    static final String LINKS = "/v1/tenants/{tenant}/users/{user}/links";
    static final String LINK = "/v1/tenants/{tenant}/users/{user}/links/{channel}/{channelUserId}";
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    static final String CODE_FORMAT = "[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{5}";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @TestHTTPResource(value = "health/ready", management = true) // under the management root, /q
    URL ready;

    @Inject
    IdentityLinkService service;

    @Inject
    SessionIds sessions;

    @Inject
    ChannelIdentities identities;

    @Inject
    MeterRegistry registry;

    @Inject
    KafkaStreams streams;

    String user;
    String phone;

    @BeforeEach
    void newUserAndAReadyGateway() {
        user = "user-" + UUID.randomUUID();
        phone = "+49151" + (10_000_000 + (long) (Math.random() * 89_999_999));
        await().atMost(KAFKA_TIMEOUT).until(() -> given().get(ready).statusCode() == 200);
        // Readiness does not wait for Kafka Streams; the link endpoints answer 503 until it runs.
        await().atMost(KAFKA_TIMEOUT).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    }

    @Test
    void issuesACodeOnceAndPublishesOnlyItsDigest() {
        Instant before = Instant.now();
        Response response = asAcme().post(CODES, "acme", user);
        response.then().statusCode(201)
                .body("code", matchesPattern(CODE_FORMAT))
                .body("instructions", matchesPattern(".*LINK " + CODE_FORMAT + ".*"));
        String code = response.path("code");
        Instant expiresAt = Instant.parse(response.path("expiresAt"));
        assertThat(expiresAt).isBetween(before.plus(Duration.ofMinutes(10)), Instant.now().plus(Duration.ofMinutes(10)));

        try (var codes = TopicReader.fromBeginning(bootstrap, Topics.IDENTITY_LINK_CODES)) {
            String digest = LinkCodes.sha256Hex(code);
            LinkCode published = codes.first(LinkCodes.key("acme", digest), KAFKA_TIMEOUT).value();
            assertThat(published.getUser()).isEqualTo(user);
            assertThat(published.getTenant()).isEqualTo("acme");
            assertThat(published.getCodeSha256()).isEqualTo(digest);
            assertThat(published.getExpiresAt()).isEqualTo(expiresAt);
            assertThat(published.toString()).doesNotContain(code).doesNotContain(code.replace("-", ""));
        }
    }

    @Test
    void refusesMoreUnexpiredCodesThanTheCap() {
        for (int i = 0; i < 3; i++) {
            asAcme().post(CODES, "acme", user).then().statusCode(201);
        }
        await().atMost(KAFKA_TIMEOUT).until(() -> service.activeCodes("acme", user, Instant.now()).size() == 3);

        Response refused = asAcme().post(CODES, "acme", user);
        refused.then().statusCode(429).contentType(Problem.MEDIA_TYPE).body("code", equalTo("too-many-codes"));
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 600L);
        asAcme().post(CODES, "acme", "another-" + user).then().statusCode(201);
    }

    @Test
    void requiresTheTenantsApiKeyOrTheUsersOwnToken() {
        given().post(CODES, "acme", user).then().statusCode(401);
        given().header("X-Api-Key", "wrong").get(LINKS, "acme", user).then().statusCode(401);
        given().delete(LINK, "acme", user, "whatsapp", phone).then().statusCode(401);

        Callers.asUser("acme", user).post(CODES, "acme", user).then().statusCode(201);
        Callers.asUser("acme", user).get(LINKS, "acme", user).then().statusCode(200);
        Callers.asUser("acme", user).post(CODES, "acme", "someone-else").then().statusCode(403)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("forbidden"));
        Callers.asUser("acme", user).get(LINKS, "acme", "someone-else").then().statusCode(403);
        Callers.asUser("acme", user).delete(LINK, "acme", "someone-else", "whatsapp", phone).then().statusCode(403);
    }

    @Test
    void anOperatorLooksAfterTheLinksOfTheTenantsUsersButIssuesNoCodes() {
        String operator = TestTokens.operator("acme");
        Callers.withToken(operator).get(LINKS, "acme", user).then().statusCode(200).body("size()", equalTo(0));
        Callers.withToken(operator).delete(LINK, "acme", user, "whatsapp", phone).then().statusCode(404)
                .body("code", equalTo("link-not-found"));
        Callers.withToken(operator).post(CODES, "acme", user).then().statusCode(403);
        Callers.withToken(TestTokens.auditor("acme")).get(LINKS, "acme", user).then().statusCode(403);
    }

    @Test
    void revokingAnIdentityThatIsNotLinkedIs404() {
        asAcme().delete(LINK, "acme", user, "whatsapp", phone).then().statusCode(404)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("link-not-found"));
        asAcme().get(LINKS, "acme", user).then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void aLinkedWhatsAppUserContinuesTheWebChatSessionOncePerMessageUntilRevoked() {
        String code = asAcme().post(CODES, "acme", user).then().statusCode(201).extract().path("code");
        // The code must have reached the global table that redemption reads.
        await().atMost(KAFKA_TIMEOUT).until(() -> service.activeCodes("acme", user, Instant.now()).size() == 1);

        send("link-" + UUID.randomUUID(), "LINK " + code);
        await().atMost(KAFKA_TIMEOUT).untilAsserted(() -> asAcme().get(LINKS, "acme", user).then().statusCode(200)
                .body("size()", equalTo(1))
                .body("[0].channel", equalTo("whatsapp"))
                .body("[0].channelUserId", equalTo(phone)));

        String webSession = sessions.forPrincipal("acme", user);
        String question = "q-" + UUID.randomUUID();
        String followUp = "f-" + UUID.randomUUID();
        double redeliveries = redeliveries();
        send(question, "where is my order?");
        send(question, "where is my order?");
        await().atMost(KAFKA_TIMEOUT).until(() -> redeliveries() > redeliveries);
        send(followUp, "thanks");

        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            List<ConsumerRecord<String, TurnReceived>> records = turns.until(webSession, read -> read.stream()
                    .anyMatch(record -> followUp.equals(record.value().getChannelMessageId())), KAFKA_TIMEOUT);
            assertThat(records).extracting(record -> record.value().getChannelMessageId())
                    .as("one turn per platform message, none for the code").containsExactlyInAnyOrder(question, followUp);
            Envelope envelope = records.get(0).value().getEnvelope();
            assertThat(envelope.getSessionId()).isEqualTo(webSession);
            assertThat(envelope.getPrincipal().getUser()).isEqualTo(user);
            assertThat(envelope.getChannel()).isEqualTo("whatsapp");
        }

        asAcme().delete(LINK, "acme", user, "whatsapp", phone).then().statusCode(204);
        await().atMost(KAFKA_TIMEOUT).untilAsserted(() -> asAcme().get(LINKS, "acme", user).then()
                .body("size()", equalTo(0)));
        String afterRevocation = "r-" + UUID.randomUUID();
        send(afterRevocation, "who am I now?");
        String pseudonym = identities.unlinkedUser("acme", "whatsapp", phone);
        String ownSession = sessions.forPrincipal("acme", pseudonym);
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            TurnReceived turn = turns.first(ownSession, KAFKA_TIMEOUT).value();
            assertThat(turn.getChannelMessageId()).isEqualTo(afterRevocation);
            assertThat(turn.getEnvelope().getPrincipal().getUser()).isEqualTo(pseudonym).doesNotContain(phone.substring(1));
        }
    }

    @Test
    void channelsAndStreamsUseTheCatalogTopicsAndExactlyOnce() {
        Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.outgoing." + IdentityLinkService.IDENTITY_LINK_CODES + ".topic",
                String.class)).isEqualTo(Topics.IDENTITY_LINK_CODES.name());
        assertThat(config.getValue("mp.messaging.outgoing." + IdentityLinkService.IDENTITY_LINKS + ".topic",
                String.class)).isEqualTo(Topics.IDENTITY_LINKS.name());
        assertThat(config.getValue("quarkus.kafka-streams.topics", String.class).split(","))
                .containsExactlyInAnyOrder(Topics.CHANNELS_INBOUND.name(), Topics.IDENTITY_LINKS.name(),
                        Topics.IDENTITY_LINK_CODES.name());
        assertThat(config.getValue("kafka-streams.processing.guarantee", String.class)).isEqualTo("exactly_once_v2");
        assertThat(config.getValue("quarkus.kafka-streams.application-id", String.class))
                .isEqualTo("switchboard-gateway-inbound");
    }

    private void send(String platformMessageId, String text) {
        TopicWriter.send(bootstrap, Topics.CHANNELS_INBOUND, "whatsapp:" + platformMessageId,
                ChannelMessage.newBuilder().setTenant("acme").setChannel("whatsapp").setChannelUserId(phone)
                        .setPlatformMessageId(platformMessageId).setText(text).setReceivedAt(Instant.now()).build());
    }

    private double redeliveries() {
        var counter = registry.find("switchboard.gateway.inbound.redeliveries").tag("channel", "whatsapp").counter();
        return counter == null ? 0 : counter.count();
    }

    private static RequestSpecification asAcme() {
        return given().header("X-Api-Key", Callers.ACME_KEY);
    }
}
