package dev.switchboard.gateway.channels.platforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.gateway.channels.ChannelHttp;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.DeliveryException;
import dev.switchboard.gateway.channels.FakePlatform;
import dev.switchboard.gateway.channels.FakePlatform.Answer;
import dev.switchboard.gateway.channels.Inbound;
import dev.switchboard.gateway.channels.OutboundMessage;
import dev.switchboard.gateway.channels.Samples;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.channels.WebhookRequest;

class SlackChannelTest {

    // Slack's published example ("Verifying requests from Slack").
    static final String VECTOR_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String VECTOR_TIMESTAMP = "1531420618";
    static final String VECTOR_BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
            + "&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
            + "&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J"
            + "%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    static final String VECTOR_SIGNATURE = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
    static final String URL = "https://gateway.example.com/v1/channels/acme/slack/webhook";

    final FakePlatform slackApi = new FakePlatform();
    final ChannelHttp http = new ChannelHttp(Duration.ofSeconds(2));
    final ChannelSettings settings = Samples.settings("acme", "slack", Map.of(
            SlackChannel.SIGNING_SECRET, VECTOR_SECRET, SlackChannel.BOT_TOKEN, "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy",
            SlackChannel.BASE_URL, slackApi.baseUrl() + "/api"));

    @AfterEach
    void stop() {
        slackApi.close();
    }

    static SlackChannel at(Instant now) {
        return new SlackChannel(Samples.JSON, new ChannelHttp(Duration.ofSeconds(2)), Clock.fixed(now, ZoneOffset.UTC));
    }

    static WebhookRequest request(String timestamp, String signature, String body) {
        return Samples.post(URL, Map.of("X-Slack-Request-Timestamp", timestamp, "X-Slack-Signature", signature), body);
    }

    static String sign(String secret, String timestamp, String body) {
        return "v0=" + Samples.hmacSha256Hex(secret, "v0:" + timestamp + ":" + body);
    }

    @Test
    void acceptsSlacksPublishedTestVector() {
        SlackChannel channel = at(Instant.ofEpochSecond(Long.parseLong(VECTOR_TIMESTAMP)));
        assertThat(sign(VECTOR_SECRET, VECTOR_TIMESTAMP, VECTOR_BODY)).isEqualTo(VECTOR_SIGNATURE);
        assertThat(channel.verify(request(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY), settings).accepted()).isTrue();
    }

    @Test
    void rejectsATamperedBodyAWrongSecretAndAnotherTimestamp() {
        SlackChannel channel = at(Instant.ofEpochSecond(Long.parseLong(VECTOR_TIMESTAMP)));
        assertThat(channel.verify(request(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY.replace("roadrunner", "coyote")),
                settings).status()).isEqualTo(401);
        String wrongSecret = sign("another-secret", VECTOR_TIMESTAMP, VECTOR_BODY);
        assertThat(channel.verify(request(VECTOR_TIMESTAMP, wrongSecret, VECTOR_BODY), settings).accepted()).isFalse();
        // the signature covers the timestamp: moving it breaks the signature
        assertThat(channel.verify(request("1531420619", VECTOR_SIGNATURE, VECTOR_BODY), settings).accepted()).isFalse();
        assertThat(channel.verify(Samples.post(URL, Map.of(), VECTOR_BODY), settings).accepted()).isFalse();
    }

    @Test
    void rejectsARequestOlderThanFiveMinutesEvenWhenItsSignatureIsValid() {
        Instant signedAt = Instant.ofEpochSecond(Long.parseLong(VECTOR_TIMESTAMP));
        WebhookRequest replayed = request(VECTOR_TIMESTAMP, VECTOR_SIGNATURE, VECTOR_BODY);
        assertThat(at(signedAt.plusSeconds(300)).verify(replayed, settings).accepted()).isTrue();
        assertThat(at(signedAt.plusSeconds(301)).verify(replayed, settings).status()).isEqualTo(401);
        assertThat(at(signedAt.minusSeconds(301)).verify(replayed, settings).accepted()).isFalse();
    }

    @Test
    void answersUrlVerificationWithTheChallenge() throws Exception {
        Inbound inbound = at(Instant.now()).parse(request("0", "v0=x", Samples.text("slack/url_verification.json")));
        assertThat(inbound.messages()).isEmpty();
        assertThat(inbound.answer().status()).isEqualTo(200);
        assertThat(inbound.answer().mediaType()).isEqualTo("application/json");
        assertThat(Samples.JSON.readTree(inbound.answer().body()).path("challenge").asText())
                .isEqualTo("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
    }

    @Test
    void parsesAMessageEventAndSkipsBotMessages() {
        SlackChannel channel = at(Instant.now());
        assertThat(channel.parse(request("0", "v0=x", Samples.text("slack/message_event.json"))).messages())
                .containsExactly(new UserMessage("U2147483697", "Ev08MFMKH6", "Hello, I need help with my invoice", "D024BE91L"));
        assertThat(channel.parse(request("0", "v0=x", Samples.text("slack/bot_message_event.json"))).messages()).isEmpty();
        assertThatThrownBy(() -> channel.parse(request("0", "v0=x", VECTOR_BODY))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void postsTheReplyWithChatPostMessage() throws Exception {
        slackApi.byDefault("/api/", Answer.json(200, "{\"ok\":true,\"channel\":\"D024BE91L\",\"ts\":\"1503435956.000247\"}"));
        String ts = at(Instant.now()).deliver(new OutboundMessage("acme", "slack", "U2147483697", "Done!", "r-1"), settings);
        assertThat(ts).isEqualTo("1503435956.000247");
        FakePlatform.Received request = slackApi.received(r -> true).get(0);
        assertThat(request.path()).isEqualTo("/api/chat.postMessage");
        assertThat(request.header("Authorization")).isEqualTo("Bearer xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy");
        assertThat(request.header("Content-Type")).isEqualTo("application/json; charset=utf-8");
        JsonNode body = Samples.JSON.readTree(request.body());
        assertThat(body.path("channel").asText()).isEqualTo("U2147483697");
        assertThat(body.path("text").asText()).isEqualTo("Done!");
    }

    @Test
    void treatsSlacksOkFalseAsAFailure() {
        OutboundMessage message = new OutboundMessage("acme", "slack", "U2147483697", "Done!", "r-2");
        slackApi.thenAnswer("/api/", Answer.json(200, "{\"ok\":false,\"error\":\"channel_not_found\"}"),
                Answer.json(200, "{\"ok\":false,\"error\":\"internal_error\"}"));
        assertThatThrownBy(() -> at(Instant.now()).deliver(message, settings))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("channel_not_found");
                });
        assertThatThrownBy(() -> at(Instant.now()).deliver(message, settings))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isTransient()).isTrue());
    }
}
