package dev.switchboard.gateway.channels.platforms;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.gateway.channels.Channel;
import dev.switchboard.gateway.channels.ChannelHttp;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.DeliveryException;
import dev.switchboard.gateway.channels.Inbound;
import dev.switchboard.gateway.channels.OutboundMessage;
import dev.switchboard.gateway.channels.Signatures;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.channels.Verification;
import dev.switchboard.gateway.channels.WebhookRequest;

/**
 * Telegram Bot API. A webhook set with {@code setWebhook(secret_token=...)} carries that token in
 * {@code X-Telegram-Bot-Api-Secret-Token} on every request. Each request is one {@code Update}; a text
 * {@code message} becomes a user message whose sender is {@code from.id} and whose id is
 * {@code <chat.id>:<message_id>} (message ids are only unique within a chat). Replies go to
 * {@code POST <base-url>/bot<token>/sendMessage} addressed to the user's id, which is the id of the user's
 * private chat with the bot.
 */
@ApplicationScoped
public class TelegramChannel implements Channel {

    public static final String ID = "telegram";
    public static final String SECRET_TOKEN = "secret-token";
    public static final String BOT_TOKEN = "bot-token";
    public static final String DEFAULT_BASE_URL = "https://api.telegram.org";

    private static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

    private final ObjectMapper json;
    private final ChannelHttp http;

    public TelegramChannel(ObjectMapper json, ChannelHttp http) {
        this.json = json;
        this.http = http;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> requiredSettings() {
        return List.of(SECRET_TOKEN, BOT_TOKEN);
    }

    @Override
    public Verification verify(WebhookRequest request, ChannelSettings settings) {
        String token = request.header(SECRET_HEADER);
        if (token == null) {
            return Verification.rejected("missing " + SECRET_HEADER);
        }
        return Signatures.constantTimeEquals(settings.require(SECRET_TOKEN), token) ? Verification.verified()
                : Verification.rejected("secret token does not match");
    }

    @Override
    public Inbound parse(WebhookRequest request) {
        JsonNode update = JsonBodies.webhook(json, request.body());
        JsonNode message = update.path("message");
        if (!message.isObject() || !message.hasNonNull("text") || !message.path("from").isObject()) {
            return Inbound.of(List.of(), List.of()); // edits, channel posts, stickers, ...
        }
        String chatId = JsonBodies.required(message.path("chat"), "id");
        UserMessage user = new UserMessage(JsonBodies.required(message.path("from"), "id"),
                chatId + ":" + JsonBodies.required(message, "message_id"), message.path("text").asText(), chatId);
        return Inbound.of(List.of(user), List.of());
    }

    @Override
    public String deliver(OutboundMessage message, ChannelSettings settings) throws DeliveryException {
        String body = JsonBodies.write(json, Map.of("chat_id", message.address(), "text", message.text()));
        HttpRequest request = http.request(settings.get(BASE_URL, DEFAULT_BASE_URL) + "/bot"
                        + settings.require(BOT_TOKEN) + "/sendMessage")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        JsonNode answer = JsonBodies.answer(json, http.send(request, ID).body(), ID);
        if (!answer.path("ok").asBoolean(false)) {
            throw DeliveryException.permanent("telegram refused the message: " + answer.path("description").asText());
        }
        JsonNode result = answer.path("result");
        return result.path("chat").path("id").asText(message.address()) + ":" + result.path("message_id").asText();
    }
}
