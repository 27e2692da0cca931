package dev.switchboard.gateway.channels.platforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
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
import dev.switchboard.gateway.channels.StatusUpdate;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.channels.Verification;
import dev.switchboard.gateway.channels.WebhookAnswer;
import dev.switchboard.gateway.channels.WebhookRequest;

class WhatsAppChannelTest {

    static final String SECRET = "whatsapp-app-secret";
    static final String URL = "https://gateway.example.com/v1/channels/acme/whatsapp/webhook";

    final FakePlatform graph = new FakePlatform();
    final WhatsAppChannel channel = new WhatsAppChannel(Samples.JSON, new ChannelHttp(Duration.ofSeconds(2)));
    final ChannelSettings settings = Samples.settings("acme", "whatsapp", Map.of(
            WhatsAppChannel.APP_SECRET, SECRET, WhatsAppChannel.VERIFY_TOKEN, "verify-me",
            WhatsAppChannel.PHONE_NUMBER_ID, "1122334455667", WhatsAppChannel.ACCESS_TOKEN, "EAAG-token",
            WhatsAppChannel.BASE_URL, graph.baseUrl() + "/v21.0"));

    @AfterEach
    void stop() {
        graph.close();
    }

    static WebhookRequest signed(String body, String secret) {
        return Samples.post(URL, Map.of("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex(secret, body)), body);
    }

    @Test
    void parsesTheTextMessageSample() {
        Inbound inbound = channel.parse(signed(Samples.whatsapp("message", "text"), SECRET));
        assertThat(inbound.messages()).containsExactly(
                new UserMessage("+972987654321", "wamid.xyzxyz", "Body Text", null));
        assertThat(inbound.statuses()).isEmpty();
        assertThat(inbound.answer().status()).isEqualTo(200);
    }

    @Test
    void everyMessageSampleParsesAndOnlyTextKindsBecomeMessages() {
        for (String kind : Samples.whatsappKinds("message")) {
            List<UserMessage> messages = channel.parse(signed(Samples.whatsapp("message", kind), SECRET)).messages();
            boolean text = List.of("text", "reply", "forwarded", "forwarded_many_times", "referral").contains(kind);
            assertThat(messages).as(kind).hasSize(text ? 1 : 0);
        }
        assertThat(channel.parse(signed(Samples.whatsapp("message", "reply"), SECRET)).messages().get(0).text())
                .isEqualTo("replied text");
    }

    @Test
    void statusSamplesBecomeStatusUpdates() {
        assertThat(channel.parse(signed(Samples.whatsapp("message_status", "delivered"), SECRET)).statuses())
                .containsExactly(new StatusUpdate("wamid.xyzxyz", StatusUpdate.State.DELIVERED, null));
        assertThat(channel.parse(signed(Samples.whatsapp("message_status", "read"), SECRET)).statuses())
                .containsExactly(new StatusUpdate("wamid.xyzxyz", StatusUpdate.State.READ, null));
        assertThat(channel.parse(signed(Samples.whatsapp("message_status", "failed"), SECRET)).statuses())
                .containsExactly(new StatusUpdate("wamid.xyzxyz", StatusUpdate.State.FAILED,
                        "130472 User's number is part of an experiment"));
        // "sent" is what the send API already answered: no update
        assertThat(channel.parse(signed(Samples.whatsapp("message_status", "sent"), SECRET)).statuses()).isEmpty();
        for (String kind : Samples.whatsappKinds("message_status")) {
            assertThat(channel.parse(signed(Samples.whatsapp("message_status", kind), SECRET)).messages()).as(kind).isEmpty();
        }
    }

    @Test
    void acceptsTheAppSecretsSignature() {
        assertThat(channel.verify(signed(Samples.whatsapp("message", "text"), SECRET), settings).accepted()).isTrue();
    }

    @Test
    void rejectsATamperedBodyAWrongSecretAndAMissingSignature() {
        String body = Samples.whatsapp("message", "text");
        WebhookRequest good = signed(body, SECRET);
        WebhookRequest tampered = new WebhookRequest(good.url(), good.headers(), Map.of(),
                body.replace("Body Text", "Transfer all my money").getBytes());
        assertThat(channel.verify(tampered, settings)).isEqualTo(Verification.rejected("signature does not match"));
        assertThat(channel.verify(signed(body, "another-secret"), settings).status()).isEqualTo(401);
        assertThat(channel.verify(Samples.post(URL, Map.of(), body), settings).accepted()).isFalse();
        assertThat(channel.verify(Samples.post(URL, Map.of("X-Hub-Signature-256", "sha1=abc"), body), settings).accepted())
                .isFalse();
    }

    @Test
    void answersTheVerificationHandshakeOnlyWithTheVerifyToken() {
        WebhookAnswer ok = channel.handshake(get(Map.of("hub.mode", "subscribe", "hub.verify_token", "verify-me",
                "hub.challenge", "1158201444")), settings);
        assertThat(ok).isEqualTo(WebhookAnswer.ok("text/plain", "1158201444"));
        WebhookAnswer wrong = channel.handshake(get(Map.of("hub.mode", "subscribe", "hub.verify_token", "guess",
                "hub.challenge", "1158201444")), settings);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(wrong.body()).isNull();
    }

    @Test
    void refusesABodyThatIsNotAWhatsAppWebhook() {
        assertThatThrownBy(() -> channel.parse(signed("{\"object\":\"page\"}", SECRET)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> channel.parse(signed("not json", SECRET))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sendsATextMessageWithTheCloudApi() throws Exception {
        graph.byDefault("/v21.0/", Answer.json(200,
                "{\"messaging_product\":\"whatsapp\",\"contacts\":[{\"input\":\"+972987654321\",\"wa_id\":\"972987654321\"}],"
                        + "\"messages\":[{\"id\":\"wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA\"}]}"));

        String id = channel.deliver(new OutboundMessage("acme", "whatsapp", "+972987654321", "Your invoice is paid", "r-1"),
                settings);

        assertThat(id).isEqualTo("wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA");
        FakePlatform.Received request = graph.received(r -> true).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v21.0/1122334455667/messages");
        assertThat(request.header("Authorization")).isEqualTo("Bearer EAAG-token");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = Samples.JSON.readTree(request.body());
        assertThat(body.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(body.path("recipient_type").asText()).isEqualTo("individual");
        assertThat(body.path("to").asText()).isEqualTo("+972987654321");
        assertThat(body.path("type").asText()).isEqualTo("text");
        assertThat(body.path("text").path("body").asText()).isEqualTo("Your invoice is paid");
    }

    @Test
    void sortsSendFailuresIntoTransientAndPermanent() {
        OutboundMessage message = new OutboundMessage("acme", "whatsapp", "+972987654321", "hi", "r-2");
        graph.thenAnswer("/v21.0/", Answer.json(503, "{}"),
                new Answer(429, "application/json", "{}", Map.of("Retry-After", "2")),
                Answer.json(400, "{\"error\":{\"message\":\"(#131030) Recipient phone number not in allowed list\"}}"));
        assertThatThrownBy(() -> channel.deliver(message, settings))
                .isInstanceOfSatisfying(DeliveryException.class, e -> assertThat(e.isTransient()).isTrue());
        assertThatThrownBy(() -> channel.deliver(message, settings))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isTransient()).isTrue();
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(2));
                });
        assertThatThrownBy(() -> channel.deliver(message, settings))
                .isInstanceOfSatisfying(DeliveryException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.getMessage()).contains("131030");
                });
    }

    private static WebhookRequest get(Map<String, String> query) {
        return new WebhookRequest(URI.create(URL), Map.of(), query, null);
    }
}
