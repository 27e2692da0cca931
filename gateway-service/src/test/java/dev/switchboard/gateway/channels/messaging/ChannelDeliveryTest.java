package dev.switchboard.gateway.channels.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.DeliveryStatus;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.channels.FakePlatform;
import dev.switchboard.gateway.channels.FakePlatform.Answer;
import dev.switchboard.gateway.channels.FakePlatformsConfigSource;
import dev.switchboard.gateway.channels.FormBody;
import dev.switchboard.gateway.channels.Samples;
import dev.switchboard.gateway.inbound.ChannelIdentities;
import dev.switchboard.gateway.inbound.ChannelTurns;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Replies written to {@code replies.outbound} as the supervisor writes them, delivered to a local server
 * standing in for each platform's send API; the delivery reports and dead letters read back from the broker.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class ChannelDeliveryTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    DeliveryAddressBook addresses;

    @Inject
    ChannelIdentities identities;

    FakePlatform platform = FakePlatformsConfigSource.platform();

    @TestHTTPResource(value = "health/ready", management = true)
    URL ready;

    @TestHTTPResource(value = "health/live", management = true)
    URL live;

    static ReplyOutbound reply(String channel, String user, String text) {
        String sessionId = UUID.randomUUID().toString();
        Envelope envelope = Envelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant("acme")
                .setSessionId(sessionId)
                .setTurnId(UUID.randomUUID().toString())
                .setPrincipal(Principal.newBuilder().setTenant("acme").setUser(user).build())
                .setChannel(channel)
                .setDelegationChain(List.of())
                .setOccurredAt(Instant.now())
                .build();
        return ReplyOutbound.newBuilder().setEnvelope(envelope).setKind(ReplyKind.AGENT_REPLY).setText(text)
                .setAgent("concierge").build();
    }

    /**
     * Records where replies to an unlinked channel identity go, as the inbound topology does with its first turn,
     * and returns its principal user.
     */
    String unlinked(String channel, String channelUserId) {
        String user = identities.unlinkedUser("acme", channel, channelUserId);
        TopicWriter.send(bootstrap, Topics.IDENTITY_LINKS, ChannelTurns.addressKey("acme", channel, channelUserId),
                IdentityLink.newBuilder().setTenant("acme").setChannel(channel).setChannelUserId(channelUserId)
                        .setUser(user).setLinkedAt(Instant.now()).build());
        await().atMost(TIMEOUT).until(() -> addresses.addressOf("acme", channel, user).isPresent());
        return user;
    }

    void send(ReplyOutbound reply) {
        TopicWriter.send(bootstrap, Topics.REPLIES_OUTBOUND, reply.getEnvelope().getSessionId(), reply);
    }

    DeliveryReport report(ReplyOutbound reply, DeliveryStatus status) {
        return report(reply, r -> r.getStatus() == status);
    }

    // A fresh reader each time: a reader drops the rest of the batch in which it found its record.
    DeliveryReport report(ReplyOutbound reply, Predicate<DeliveryReport> condition) {
        try (var deliveries = TopicReader.fromBeginning(bootstrap, Topics.DELIVERIES)) {
            return deliveries.first(reply.getEnvelope().getSessionId(), condition, TIMEOUT).value();
        }
    }

    static String unique(String prefix) {
        return prefix + Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000L);
    }

    static JsonNode json(FakePlatform.Received request) {
        try {
            return Samples.JSON.readTree(request.body());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void whatsappReplyIsSentToTheNumberRecordedForThePseudonymAndReported() {
        String number = "+1555" + unique("").substring(0, 7);
        ReplyOutbound reply = reply("whatsapp", unlinked("whatsapp", number), "Your invoice is paid");
        send(reply);

        FakePlatform.Received request = platform.await(r -> r.path().startsWith("/whatsapp/")
                && json(r).path("to").asText().equals(number), 1, TIMEOUT).get(0);
        assertThat(request.path()).isEqualTo("/whatsapp/1122334455667/messages");
        assertThat(request.header("Authorization")).isEqualTo("Bearer test-whatsapp-access-token");
        assertThat(json(request).path("text").path("body").asText()).isEqualTo("Your invoice is paid");

        DeliveryReport report = report(reply, DeliveryStatus.DELIVERED);
        assertThat(report.getReplyEventId()).isEqualTo(reply.getEnvelope().getEventId());
        assertThat(report.getAttempts()).isEqualTo(1);
        assertThat(report.getDetail()).contains("wamid.default");
        assertThat(report.getEnvelope().getSessionId()).isEqualTo(reply.getEnvelope().getSessionId());
        assertThat(report.getEnvelope().getChannel()).isEqualTo("whatsapp");
    }

    @Test
    void slackReplyGoesToTheLinkedIdentityOfThePrincipal() {
        String user = "alice-" + UUID.randomUUID();
        String slackUser = unique("U");
        TopicWriter.send(bootstrap, Topics.IDENTITY_LINKS, "acme/slack/" + slackUser, IdentityLink.newBuilder()
                .setTenant("acme").setChannel("slack").setChannelUserId(slackUser).setUser(user)
                .setLinkedAt(Instant.now()).build());
        await().atMost(TIMEOUT).until(() -> addresses.addressOf("acme", "slack", user).isPresent());
        ReplyOutbound reply = reply("slack", user, "Hello from the concierge");
        send(reply);
        platform.await(r -> r.path().equals("/slack/chat.postMessage") && json(r).path("channel").asText().equals(slackUser),
                1, TIMEOUT);

        FakePlatform.Received request = platform.received(r -> r.path().equals("/slack/chat.postMessage")
                && json(r).path("channel").asText().equals(slackUser)).get(0);
        assertThat(request.header("Authorization")).isEqualTo("Bearer xoxb-test-token");
        assertThat(json(request).path("text").asText()).isEqualTo("Hello from the concierge");
        assertThat(report(reply, DeliveryStatus.DELIVERED).getAttempts()).isEqualTo(1);
    }

    @Test
    void twilioReplyIsSentAsAForm() {
        String number = "+1415" + unique("").substring(0, 7);
        ReplyOutbound reply = reply("sms", unlinked("sms", number), "Done & paid");
        send(reply);

        FakePlatform.Received request = platform.await(r -> r.path().startsWith("/twilio/")
                && number.equals(FormBody.first(FormBody.parse(r.body()), "To")), 1, TIMEOUT).get(0);
        assertThat(request.path()).isEqualTo("/twilio/2010-04-01/Accounts/ACtest0000000000000000000000000000/Messages.json");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                "ACtest0000000000000000000000000000:test-twilio-auth-token".getBytes(StandardCharsets.UTF_8)));
        assertThat(FormBody.parse(request.body())).containsEntry("From", List.of("+15005550006"))
                .containsEntry("Body", List.of("Done & paid"));
        assertThat(report(reply, DeliveryStatus.DELIVERED).getDetail()).contains("SMdefault");
    }

    @Test
    void transientFailureIsRetriedAndTheReplySentOnce() {
        String chat = unique("");
        platform.thenAnswer("/telegram/", Answer.json(503, "{\"ok\":false}"));
        ReplyOutbound reply = reply("telegram", unlinked("telegram", chat), "Second time lucky");
        send(reply);

        DeliveryReport report = report(reply, DeliveryStatus.DELIVERED);
        assertThat(report.getAttempts()).isEqualTo(2);
        List<FakePlatform.Received> requests = platform.received(r -> r.path().startsWith("/telegram/")
                && json(r).path("chat_id").asText().equals(chat));
        assertThat(requests).hasSize(2);
        assertThat(requests.get(0).path()).isEqualTo("/telegram/bot123456:test-telegram-bot-token/sendMessage");
    }

    @Test
    void permanentFailureGoesToTheDeadLettersWithAFailedReport() {
        String number = "+1415" + unique("").substring(0, 7);
        platform.thenAnswer("/twilio/", Answer.json(400, "{\"code\":21211,\"message\":\"The 'To' number is not a valid phone number.\"}"));
        ReplyOutbound reply = reply("sms", unlinked("sms", number), "Nobody home");
        send(reply);

        DeliveryReport report = report(reply, DeliveryStatus.FAILED);
        assertThat(report.getAttempts()).isEqualTo(1);
        assertThat(report.getDetail()).startsWith("refused").contains("21211");
        ConsumerRecord<String, byte[]> dead = deadLetter(reply);
        assertThat(header(dead, ChannelReplyConsumer.REASON_HEADER)).isEqualTo("refused");
        assertThat(header(dead, ChannelReplyConsumer.CAUSE_HEADER)).contains("400");
        assertThat(header(dead, "dead-letter-topic")).isEqualTo("replies.outbound");
        assertThat(Topics.REPLIES_OUTBOUND.valueSerde().deserializer().deserialize("replies.outbound", dead.value()))
                .isEqualTo(reply);
    }

    @Test
    void aReplyThatFailsAfterItsLastRetryWhileItsChannelDeliversOthersGoesToTheDeadLetters() {
        String failing = "+1555" + unique("").substring(0, 7);
        String other = "+1555" + unique("").substring(0, 7);
        // max-retries=2 in tests: three attempts, each taking 0.5 s and failing; the platform takes other messages
        Predicate<FakePlatform.Received> toFailing = r -> r.path().startsWith("/whatsapp/")
                && json(r).path("to").asText().equals(failing);
        platform.answerWhen(toFailing, Answer.json(500, "{}"), Duration.ofMillis(500));
        ReplyOutbound reply = reply("whatsapp", unlinked("whatsapp", failing), "Anyone?");
        ReplyOutbound delivered = reply("whatsapp", unlinked("whatsapp", other), "Hello");
        send(reply);
        platform.await(toFailing, 1, TIMEOUT);
        send(delivered);

        assertThat(report(delivered, DeliveryStatus.DELIVERED).getAttempts()).isEqualTo(1);
        DeliveryReport report = report(reply, DeliveryStatus.FAILED);
        assertThat(report.getAttempts()).isEqualTo(3);
        assertThat(header(deadLetter(reply), ChannelReplyConsumer.REASON_HEADER)).isEqualTo("retries-exhausted");
        assertThat(platform.received(toFailing)).hasSize(3);
        given().get(ready).then().statusCode(200);
    }

    /**
     * A platform that takes no messages (every attempt fails, nothing else is delivered on the channel) is an outage,
     * not a reason to dead-letter: readiness is DOWN naming the channel, the reply is tried again round after round,
     * and once the platform answers it is delivered, readiness UP, liveness UP throughout.
     */
    @Test
    void aPlatformThatTakesNoMessagesHoldsTheReplyWithReadinessDownUntilItIsBack() {
        String number = "+1555" + unique("").substring(0, 7);
        AtomicBoolean down = new AtomicBoolean(true);
        Predicate<FakePlatform.Received> toNumber = r -> r.path().startsWith("/whatsapp/")
                && json(r).path("to").asText().equals(number);
        platform.answerWhen(r -> down.get() && toNumber.test(r), Answer.json(503, "{\"error\":{\"message\":\"down\"}}"),
                Duration.ZERO);
        ReplyOutbound reply = reply("whatsapp", unlinked("whatsapp", number), "Are you there?");
        try {
            send(reply);
            await().atMost(TIMEOUT).untilAsserted(() -> given().get(ready).then().statusCode(503)
                    .body("checks.find { it.name == 'channel APIs' }.status", is("DOWN"))
                    .body("checks.find { it.name == 'channel APIs' }.data.whatsapp", containsString("503")));
            // three rounds of three attempts (max-retries=2 in tests), 200 ms apart: held, not given up
            platform.await(toNumber, 9, TIMEOUT);
            given().get(live).then().statusCode(200);
            given().get(ready).then().statusCode(503);
            try (var deliveries = TopicReader.fromBeginning(bootstrap, Topics.DELIVERIES)) {
                assertThatThrownBy(() -> deliveries.first(reply.getEnvelope().getSessionId(), Duration.ofSeconds(1)))
                        .as("no report: the reply is neither delivered nor given up").isInstanceOf(AssertionError.class);
            }
        } finally {
            down.set(false);
        }

        DeliveryReport report = report(reply, DeliveryStatus.DELIVERED);
        assertThat(report.getAttempts()).isGreaterThan(9);
        await().atMost(TIMEOUT).untilAsserted(() -> given().get(ready).then().statusCode(200)
                .body("checks.find { it.name == 'channel APIs' }.status", is("UP")));
        try (var dead = TopicReader.fromBeginning(bootstrap, Topics.DEAD_LETTERS)) {
            assertThatThrownBy(() -> dead.first(reply.getEnvelope().getSessionId(), Duration.ofSeconds(1)))
                    .as("not dead-lettered").isInstanceOf(AssertionError.class);
        }
        given().get(live).then().statusCode(200);
    }

    @Test
    void theDeliveryGroupRebalancesCooperativelyWithAStaticMember() {
        try (Admin admin = Admin.create(EmbeddedKafka.shared().clientProperties(BrokerAccess.ADMIN))) {
            await().atMost(TIMEOUT).untilAsserted(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("switchboard-gateway-delivery"))
                        .all().get().get("switchboard-gateway-delivery");
                assertThat(group.partitionAssignor()).isEqualTo("cooperative-sticky");
                assertThat(group.members()).extracting(member -> member.groupInstanceId().orElse(null))
                        .containsExactly("switchboard-gateway-delivery-0");
            });
        }
    }

    @Test
    void replyWithoutADeliveryAddressGoesToTheDeadLetters() {
        ReplyOutbound reply = reply("telegram", "someone-never-linked-" + UUID.randomUUID(), "Lost");
        send(reply);

        assertThat(report(reply, DeliveryStatus.FAILED).getAttempts()).isZero();
        assertThat(header(deadLetter(reply), ChannelReplyConsumer.REASON_HEADER)).isEqualTo("no-delivery-address");
    }

    @Test
    void aPrincipalNamedAfterANumberIsNotSentToThatNumber() {
        String number = "+1555" + unique("").substring(0, 7);
        ReplyOutbound reply = reply("whatsapp", "whatsapp:" + number, "To whoever this names");
        send(reply);

        assertThat(header(deadLetter(reply), ChannelReplyConsumer.REASON_HEADER)).isEqualTo("no-delivery-address");
        assertThat(platform.received(r -> r.path().startsWith("/whatsapp/") && json(r).path("to").asText().equals(number)))
                .isEmpty();
    }

    @Test
    void whatsappStatusWebhooksBecomeDeliveryReports() {
        String number = "+1555" + unique("").substring(0, 7);
        String sentId = "wamid." + UUID.randomUUID();
        platform.thenAnswer("/whatsapp/", Answer.json(200, "{\"messages\":[{\"id\":\"" + sentId + "\"}]}"));
        ReplyOutbound reply = reply("whatsapp", unlinked("whatsapp", number), "Read me");
        send(reply);
        assertThat(report(reply, DeliveryStatus.DELIVERED).getDetail()).contains(sentId);

        for (String kind : List.of("read", "failed")) {
            String body = Samples.whatsapp("message_status", kind).replace("wamid.xyzxyz", sentId);
            given().contentType("application/json")
                    .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex("test-whatsapp-app-secret", body))
                    .body(body.getBytes(StandardCharsets.UTF_8))
                    .post("/v1/channels/acme/whatsapp/webhook").then().statusCode(200);
        }

        DeliveryReport read = report(reply, r -> r.getDetail() != null && r.getDetail().contains(" read"));
        assertThat(read.getStatus()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(read.getReplyEventId()).isEqualTo(reply.getEnvelope().getEventId());
        DeliveryReport failed = report(reply, DeliveryStatus.FAILED);
        assertThat(failed.getDetail()).contains("130472");
        assertThat(failed.getEnvelope().getEventId()).isNotEqualTo(read.getEnvelope().getEventId());
    }

    @Test
    void aStatusForAReplyAnotherInstanceSentIsReportedToo() {
        String sentId = "wamid." + UUID.randomUUID();
        ReplyOutbound reply = reply("whatsapp", "whatsapp:+15550001111", "Sent elsewhere");
        // what another gateway instance records when it delivers a reply
        TopicWriter.send(bootstrap, Topics.CHANNELS_SENT, "acme/whatsapp/" + sentId, reply);

        String body = Samples.whatsapp("message_status", "read").replace("wamid.xyzxyz", sentId);
        await().atMost(TIMEOUT).untilAsserted(() -> {
            given().contentType("application/json")
                    .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex("test-whatsapp-app-secret", body))
                    .body(body.getBytes(StandardCharsets.UTF_8))
                    .post("/v1/channels/acme/whatsapp/webhook").then().statusCode(200);
            try (var deliveries = TopicReader.fromBeginning(bootstrap, Topics.DELIVERIES)) {
                assertThat(deliveries.first(reply.getEnvelope().getSessionId(), java.time.Duration.ofSeconds(2)).value()
                        .getReplyEventId()).isEqualTo(reply.getEnvelope().getEventId());
            }
        });
    }

    @Test
    void webChatRepliesAreLeftToWebChat() {
        ReplyOutbound reply = reply("webchat", "bob-" + UUID.randomUUID(), "Not for a platform");
        int before = platform.received(r -> true).size();
        send(reply);
        // a marker reply sent after it, on the same partition, proves the first was read and skipped
        String number = "+1555" + unique("").substring(0, 7);
        ReplyOutbound marker = reply("whatsapp", unlinked("whatsapp", number), "marker");
        TopicWriter.send(bootstrap, Topics.REPLIES_OUTBOUND, reply.getEnvelope().getSessionId(), marker);
        platform.await(r -> r.path().startsWith("/whatsapp/") && json(r).path("to").asText().equals(number), 1, TIMEOUT);
        assertThat(platform.received(r -> r.body().contains("Not for a platform"))).isEmpty();
        assertThat(platform.received(r -> true).size()).isGreaterThan(before);
    }

    ConsumerRecord<String, byte[]> deadLetter(ReplyOutbound reply) {
        try (var dead = TopicReader.fromBeginning(bootstrap, Topics.DEAD_LETTERS)) {
            return dead.first(reply.getEnvelope().getSessionId(), TIMEOUT);
        }
    }

    static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
