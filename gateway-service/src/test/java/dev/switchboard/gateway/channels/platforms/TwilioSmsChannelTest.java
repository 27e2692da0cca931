package dev.switchboard.gateway.channels.platforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.channels.ChannelHttp;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.FakePlatform;
import dev.switchboard.gateway.channels.FakePlatform.Answer;
import dev.switchboard.gateway.channels.FormBody;
import dev.switchboard.gateway.channels.Inbound;
import dev.switchboard.gateway.channels.OutboundMessage;
import dev.switchboard.gateway.channels.Samples;
import dev.switchboard.gateway.channels.StatusUpdate;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.channels.WebhookRequest;

class TwilioSmsChannelTest {

    // twilio-java RequestValidatorTest
    static final String VECTOR_TOKEN = "12345";
    static final String VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
    static final String VECTOR_BODY = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309"
            + "&To=%2B18005551212";
    static final String VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";

    final FakePlatform twilio = new FakePlatform();
    final TwilioSmsChannel channel = new TwilioSmsChannel(Samples.JSON, new ChannelHttp(Duration.ofSeconds(2)));
    final ChannelSettings settings = Samples.settings("acme", "sms", Map.of(TwilioSmsChannel.AUTH_TOKEN, VECTOR_TOKEN,
            TwilioSmsChannel.ACCOUNT_SID, "AC0123456789abcdef0123456789abcdef", TwilioSmsChannel.FROM_NUMBER, "+15005550006",
            TwilioSmsChannel.BASE_URL, twilio.baseUrl()));

    @AfterEach
    void stop() {
        twilio.close();
    }

    static WebhookRequest signed(String url, String signature, String body) {
        return Samples.post(url, Map.of("X-Twilio-Signature", signature, "Content-Type", "application/x-www-form-urlencoded"),
                body);
    }

    @Test
    void computesTwiliosPublishedTestVector() {
        assertThat(TwilioSmsChannel.signature(VECTOR_TOKEN, VECTOR_URL, FormBody.parse(VECTOR_BODY)))
                .isEqualTo(VECTOR_SIGNATURE);
    }

    @Test
    void acceptsTheVectorsRequest() {
        assertThat(channel.verify(signed(VECTOR_URL, VECTOR_SIGNATURE, VECTOR_BODY), settings).accepted()).isTrue();
    }

    @Test
    void rejectsTamperingWith403() {
        assertThat(channel.verify(signed(VECTOR_URL, VECTOR_SIGNATURE, VECTOR_BODY.replace("Digits=1234", "Digits=9999")),
                settings).status()).isEqualTo(403);
        assertThat(channel.verify(signed("https://mycompany.com/myapp.php?foo=1&bar=3", VECTOR_SIGNATURE, VECTOR_BODY),
                settings).status()).isEqualTo(403);
        String wrongToken = TwilioSmsChannel.signature("54321", VECTOR_URL, FormBody.parse(VECTOR_BODY));
        assertThat(channel.verify(signed(VECTOR_URL, wrongToken, VECTOR_BODY), settings).accepted()).isFalse();
        assertThat(channel.verify(Samples.post(VECTOR_URL, Map.of(), VECTOR_BODY), settings).status()).isEqualTo(403);
    }

    @Test
    void signsTheConfiguredPublicUrlWhenAProxyRewroteIt() {
        ChannelSettings behindProxy = Samples.settings("acme", "sms", Map.of(TwilioSmsChannel.AUTH_TOKEN, VECTOR_TOKEN,
                TwilioSmsChannel.ACCOUNT_SID, "AC1", TwilioSmsChannel.FROM_NUMBER, "+15005550006",
                TwilioSmsChannel.WEBHOOK_URL, VECTOR_URL));
        assertThat(channel.verify(signed("http://10.0.0.7:8080/v1/channels/acme/sms/webhook", VECTOR_SIGNATURE, VECTOR_BODY),
                behindProxy).accepted()).isTrue();
    }

    @Test
    void parsesAnIncomingMessageAndAnswersEmptyTwiml() {
        Inbound inbound = channel.parse(signed(VECTOR_URL, "x", Samples.text("sms/incoming_message.form")));
        assertThat(inbound.messages()).containsExactly(new UserMessage("+14158675309", "SM1f0e8ae6ade43cb3c0ce4525424e404f",
                "Hello, I need help with my invoice", null));
        assertThat(inbound.answer().mediaType()).isEqualTo("text/xml");
        assertThat(inbound.answer().body()).contains("<Response></Response>");
    }

    @Test
    void parsesStatusCallbacks() {
        assertThat(channel.parse(signed(VECTOR_URL, "x", Samples.text("sms/status_delivered.form"))).statuses())
                .containsExactly(new StatusUpdate("SM5e3c1b5b7f4e4b7b9a0c8e5d2f1a3b4c", StatusUpdate.State.DELIVERED, null));
        Inbound undelivered = channel.parse(signed(VECTOR_URL, "x", Samples.text("sms/status_undelivered.form")));
        assertThat(undelivered.messages()).isEmpty();
        assertThat(undelivered.statuses()).containsExactly(new StatusUpdate("SM5e3c1b5b7f4e4b7b9a0c8e5d2f1a3b4c",
                StatusUpdate.State.FAILED, "undelivered (error 30003)"));
    }

    @Test
    void createsTheMessageWithTheMessagesResource() {
        twilio.byDefault("/2010-04-01/", Answer.json(201, "{\"sid\":\"SM3ac6a5e2b6c94d1c9f5d0f8d9a1b2c3d\",\"status\":\"queued\"}"));
        String sid;
        try {
            sid = channel.deliver(new OutboundMessage("acme", "sms", "+14158675309", "Done & paid", "r-1"), settings);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        assertThat(sid).isEqualTo("SM3ac6a5e2b6c94d1c9f5d0f8d9a1b2c3d");
        FakePlatform.Received request = twilio.received(r -> true).get(0);
        assertThat(request.path()).isEqualTo("/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json");
        assertThat(request.header("Authorization")).isEqualTo("Basic " + Base64.getEncoder().encodeToString(
                "AC0123456789abcdef0123456789abcdef:12345".getBytes(StandardCharsets.UTF_8)));
        assertThat(request.header("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
        Map<String, List<String>> form = FormBody.parse(request.body());
        assertThat(form).containsEntry("To", List.of("+14158675309")).containsEntry("From", List.of("+15005550006"))
                .containsEntry("Body", List.of("Done & paid")).doesNotContainKey("StatusCallback");
    }
}
