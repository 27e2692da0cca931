package dev.switchboard.gateway.channels.platforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.gateway.channels.ChannelHttp;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.FakePlatform;
import dev.switchboard.gateway.channels.FakePlatform.Answer;
import dev.switchboard.gateway.channels.OutboundMessage;
import dev.switchboard.gateway.channels.Samples;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.channels.WebhookRequest;

class TelegramChannelTest {

    static final String SECRET = "s3cr3t_token-for-the-webhook";
    static final String URL = "https://gateway.example.com/v1/channels/acme/telegram/webhook";

    final FakePlatform botApi = new FakePlatform();
    final TelegramChannel channel = new TelegramChannel(Samples.JSON, new ChannelHttp(Duration.ofSeconds(2)));
    final ChannelSettings settings = Samples.settings("acme", "telegram", Map.of(TelegramChannel.SECRET_TOKEN, SECRET,
            TelegramChannel.BOT_TOKEN, "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11", TelegramChannel.BASE_URL, botApi.baseUrl()));

    @AfterEach
    void stop() {
        botApi.close();
    }

    static WebhookRequest withToken(String token, String body) {
        return Samples.post(URL, Map.of("X-Telegram-Bot-Api-Secret-Token", token), body);
    }

    @Test
    void parsesATextMessageUpdate() {
        assertThat(channel.parse(withToken(SECRET, Samples.text("telegram/update_text.json"))).messages())
                .containsExactly(new UserMessage("1111111", "1111111:1365", "Hello, I need help with my invoice", "1111111"));
    }

    @Test
    void skipsUpdatesThatAreNotNewTextMessages() {
        assertThat(channel.parse(withToken(SECRET, Samples.text("telegram/update_edited.json"))).messages()).isEmpty();
    }

    @Test
    void acceptsOnlyTheSecretToken() {
        String body = Samples.text("telegram/update_text.json");
        assertThat(channel.verify(withToken(SECRET, body), settings).accepted()).isTrue();
        assertThat(channel.verify(withToken(SECRET + "x", body), settings).status()).isEqualTo(401);
        assertThat(channel.verify(withToken("another_secret", body), settings).accepted()).isFalse();
        assertThat(channel.verify(Samples.post(URL, Map.of(), body), settings).accepted()).isFalse();
    }

    @Test
    void sendsTheReplyWithSendMessage() throws Exception {
        botApi.byDefault("/bot", Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":1366,\"chat\":{\"id\":1111111,"
                + "\"type\":\"private\"},\"date\":1441645600,\"text\":\"Done!\"}}"));
        String id = channel.deliver(new OutboundMessage("acme", "telegram", "1111111", "Done!", "r-1"), settings);
        assertThat(id).isEqualTo("1111111:1366");
        FakePlatform.Received request = botApi.received(r -> true).get(0);
        assertThat(request.path()).isEqualTo("/bot123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11/sendMessage");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = Samples.JSON.readTree(request.body());
        assertThat(body.path("chat_id").asText()).isEqualTo("1111111");
        assertThat(body.path("text").asText()).isEqualTo("Done!");
    }
}
