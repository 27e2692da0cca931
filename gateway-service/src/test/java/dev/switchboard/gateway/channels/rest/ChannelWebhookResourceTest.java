package dev.switchboard.gateway.channels.rest;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.gateway.channels.FormBody;
import dev.switchboard.gateway.channels.Samples;
import dev.switchboard.gateway.channels.messaging.ChannelMessageService;
import dev.switchboard.gateway.channels.messaging.ChannelReplyConsumer;
import dev.switchboard.gateway.channels.platforms.TwilioSmsChannel;
import dev.switchboard.gateway.Callers;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * Webhooks signed as each platform signs them, against the real broker: accepted ones are on
 * {@code channels.inbound}, rejected ones are not.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class ChannelWebhookResourceTest {

    static final String WEBHOOK = "/v1/channels/{tenant}/{channel}/webhook";
    static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    // A rejected request answers before anything could be published; this is how long the topic is watched after it.
    static final Duration NOTHING_WAIT = Duration.ofSeconds(2);

    static final String WHATSAPP_SECRET = "test-whatsapp-app-secret";
    static final String SLACK_SECRET = "test-slack-signing-secret";
    static final String TELEGRAM_SECRET = "test_telegram_secret-token";
    static final String TWILIO_TOKEN = "test-twilio-auth-token";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void channelsUseTheCatalogTopics() {
        Config config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.outgoing." + ChannelMessageService.CHANNELS_INBOUND + ".topic", String.class))
                .isEqualTo(Topics.CHANNELS_INBOUND.name());
        assertThat(config.getValue("mp.messaging.incoming." + ChannelReplyConsumer.REPLIES + ".topic", String.class))
                .isEqualTo(Topics.REPLIES_OUTBOUND.name());
        assertThat(config.getValue("mp.messaging.incoming." + ChannelReplyConsumer.REPLIES + ".group.id", String.class))
                .isEqualTo("switchboard-gateway-delivery");
        assertThat(config.getValue("mp.messaging.incoming." + ChannelReplyConsumer.REPLIES + ".dead-letter-queue.topic",
                String.class)).isEqualTo(Topics.DEAD_LETTERS.name());
        assertThat(config.getValue("mp.messaging.outgoing." + ChannelReplyConsumer.DEAD_LETTERS + ".topic", String.class))
                .isEqualTo(Topics.DEAD_LETTERS.name());
    }

    // ---- WhatsApp

    static String whatsappText(String messageId) {
        return Samples.whatsapp("message", "text").replace("wamid.xyzxyz", messageId);
    }

    ValidatableResponse postWhatsApp(String body, String secret) {
        return given().contentType("application/json")
                .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex(secret, body))
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "whatsapp").then();
    }

    @Test
    void whatsappMessageWithAValidSignatureIsPublished() {
        String id = "wamid." + UUID.randomUUID();
        postWhatsApp(whatsappText(id), WHATSAPP_SECRET).statusCode(200);

        ChannelMessage message = published("whatsapp:" + id);
        assertThat(message.getTenant()).isEqualTo("acme");
        assertThat(message.getChannel()).isEqualTo("whatsapp");
        assertThat(message.getChannelUserId()).isEqualTo("+972987654321");
        assertThat(message.getPlatformMessageId()).isEqualTo(id);
        assertThat(message.getText()).isEqualTo("Body Text");
        assertThat(message.getReplyAddress()).isNull();
        assertThat(message.getTraceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
        assertThat(message.getReceivedAt()).isBetween(Instant.now().minusSeconds(60), Instant.now());
    }

    @Test
    void whatsappTamperedBodyOrWrongSecretIsRejectedAndNothingIsPublished() {
        String id = "wamid." + UUID.randomUUID();
        String body = whatsappText(id);
        given().contentType("application/json")
                .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex(WHATSAPP_SECRET, body))
                .body(body.replace("Body Text", "Body Text!").getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "whatsapp").then().statusCode(401);
        postWhatsApp(body, "not-the-app-secret").statusCode(401);
        given().contentType("application/json").body(body.getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "whatsapp").then().statusCode(401);

        assertNothingPublished("whatsapp:" + id);
    }

    @Test
    void whatsappVerificationHandshakeEchoesTheChallengeOnlyForTheVerifyToken() {
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "test-verify-token")
                .queryParam("hub.challenge", "1158201444")
                .get(WEBHOOK, "acme", "whatsapp").then().statusCode(200).body(equalTo("1158201444"));
        given().queryParam("hub.mode", "subscribe").queryParam("hub.verify_token", "a-guess")
                .queryParam("hub.challenge", "1158201444")
                .get(WEBHOOK, "acme", "whatsapp").then().statusCode(403);
    }

    // ---- Slack

    ValidatableResponse postSlack(String body, String secret, long timestamp) {
        String signature = "v0=" + Samples.hmacSha256Hex(secret, "v0:" + timestamp + ":" + body);
        return given().contentType("application/json")
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature)
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "slack").then();
    }

    static String slackMessage(String eventId) {
        return Samples.text("slack/message_event.json").replace("Ev08MFMKH6", eventId);
    }

    @Test
    void slackUrlVerificationIsAnsweredWithTheChallenge() {
        postSlack(Samples.text("slack/url_verification.json"), SLACK_SECRET, Instant.now().getEpochSecond())
                .statusCode(200)
                .body("challenge", equalTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"));
        postSlack(Samples.text("slack/url_verification.json"), "not-the-signing-secret", Instant.now().getEpochSecond())
                .statusCode(401);
    }

    @Test
    void slackMessageEventWithAValidSignatureIsPublished() {
        String eventId = "Ev" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
        postSlack(slackMessage(eventId), SLACK_SECRET, Instant.now().getEpochSecond()).statusCode(200);

        ChannelMessage message = published("slack:" + eventId);
        assertThat(message.getChannelUserId()).isEqualTo("U2147483697");
        assertThat(message.getText()).isEqualTo("Hello, I need help with my invoice");
        assertThat(message.getReplyAddress()).isEqualTo("D024BE91L");
    }

    @Test
    void slackStaleTimestampTamperedBodyOrWrongSecretIsRejectedAndNothingIsPublished() {
        String eventId = "Ev" + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toUpperCase();
        String body = slackMessage(eventId);
        long now = Instant.now().getEpochSecond();
        postSlack(body, SLACK_SECRET, now - 6 * 60).statusCode(401);
        postSlack(body, "not-the-signing-secret", now).statusCode(401);
        String signature = "v0=" + Samples.hmacSha256Hex(SLACK_SECRET, "v0:" + now + ":" + body);
        given().contentType("application/json").header("X-Slack-Request-Timestamp", Long.toString(now))
                .header("X-Slack-Signature", signature)
                .body(body.replace("my invoice", "all invoices").getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "slack").then().statusCode(401);

        assertNothingPublished("slack:" + eventId);
    }

    // ---- Telegram

    static String telegramUpdate(int messageId) {
        return Samples.text("telegram/update_text.json").replace("\"message_id\": 1365", "\"message_id\": " + messageId);
    }

    @Test
    void telegramUpdateWithTheSecretTokenIsPublishedAndWithoutItIsNot() {
        int accepted = 100_000 + (int) (Math.random() * 1_000_000);
        int rejected = accepted + 1;
        given().contentType("application/json").header("X-Telegram-Bot-Api-Secret-Token", TELEGRAM_SECRET)
                .body(telegramUpdate(accepted).getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "telegram").then().statusCode(200);
        given().contentType("application/json").header("X-Telegram-Bot-Api-Secret-Token", "wrong_token")
                .body(telegramUpdate(rejected).getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "telegram").then().statusCode(401);

        ChannelMessage message = published("telegram:1111111:" + accepted);
        assertThat(message.getChannelUserId()).isEqualTo("1111111");
        assertThat(message.getReplyAddress()).isEqualTo("1111111");
        assertNothingPublished("telegram:1111111:" + rejected);
    }

    // ---- Twilio SMS

    String smsUrl() {
        return "http://localhost:" + port + "/v1/channels/acme/sms/webhook";
    }

    // A plain HTTP client: REST Assured re-encodes form bodies, and Twilio signs the exact parameters it sent.
    HttpResponse<String> postSms(String body, String signature) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(smsUrl()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static String smsMessage(String sid) {
        return Samples.text("sms/incoming_message.form").replace("SM1f0e8ae6ade43cb3c0ce4525424e404f", sid);
    }

    @Test
    void smsWithAValidSignatureIsPublishedAndAnsweredWithEmptyTwiml() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String body = smsMessage(sid);
        HttpResponse<String> response = postSms(body, TwilioSmsChannel.signature(TWILIO_TOKEN, smsUrl(), FormBody.parse(body)));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/xml"));
        assertThat(response.body()).contains("<Response></Response>");

        ChannelMessage message = published("sms:" + sid);
        assertThat(message.getChannelUserId()).isEqualTo("+14158675309");
        assertThat(message.getText()).isEqualTo("Hello, I need help with my invoice");
    }

    @Test
    void smsWithATamperedBodyOrAWrongTokenGets403AndNothingIsPublished() {
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String body = smsMessage(sid);
        String signature = TwilioSmsChannel.signature(TWILIO_TOKEN, smsUrl(), FormBody.parse(body));
        assertThat(postSms(body.replace("my+invoice", "your+invoice"), signature).statusCode()).isEqualTo(403);
        assertThat(postSms(body, TwilioSmsChannel.signature("another-token", smsUrl(), FormBody.parse(body))).statusCode())
                .isEqualTo(403);

        assertNothingPublished("sms:" + sid);
    }

    @Test
    void aWebhookIsJudgedByItsSignatureAloneNotByTokensOrKeys() {
        String id = "wamid." + UUID.randomUUID();
        String body = whatsappText(id);
        given().contentType("application/json")
                .header("Authorization", TestTokens.bearer(TestTokens.forged("acme", "user")))
                .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex(WHATSAPP_SECRET, body))
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "whatsapp").then().statusCode(200);
        assertThat(published("whatsapp:" + id).getPlatformMessageId()).isEqualTo(id);

        String unsigned = whatsappText("wamid." + UUID.randomUUID());
        given().contentType("application/json").header("X-Api-Key", Callers.ACME_KEY)
                .header("Authorization", TestTokens.bearer(TestTokens.operator("acme")))
                .body(unsigned.getBytes(StandardCharsets.UTF_8))
                .post(WEBHOOK, "acme", "whatsapp").then().statusCode(401)
                .contentType(Problem.MEDIA_TYPE).body("code", equalTo("invalid-signature"));
    }

    // ---- Routing

    @Test
    void unknownChannelsAndUnconfiguredTenantsAreNotFound() {
        String body = whatsappText("wamid." + UUID.randomUUID());
        given().contentType("application/json").body(body).post(WEBHOOK, "acme", "carrier-pigeon").then().statusCode(404);
        given().contentType("application/json")
                .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex(WHATSAPP_SECRET, body))
                .body(body).post(WEBHOOK, "globex", "whatsapp").then().statusCode(404);
    }

    ChannelMessage published(String key) {
        try (var inbound = TopicReader.fromBeginning(bootstrap, Topics.CHANNELS_INBOUND)) {
            ConsumerRecord<String, ChannelMessage> record = inbound.first(key, KAFKA_TIMEOUT);
            return record.value();
        }
    }

    void assertNothingPublished(String key) {
        try (var inbound = TopicReader.fromBeginning(bootstrap, Topics.CHANNELS_INBOUND)) {
            assertThatThrownBy(() -> inbound.first(key, NOTHING_WAIT)).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no record with key");
        }
    }
}
