package dev.switchboard.gateway.channels.platforms;

import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.HexFormat;
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
import dev.switchboard.gateway.channels.PhoneNumbers;
import dev.switchboard.gateway.channels.Signatures;
import dev.switchboard.gateway.channels.StatusUpdate;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.channels.Verification;
import dev.switchboard.gateway.channels.WebhookAnswer;
import dev.switchboard.gateway.channels.WebhookRequest;

/**
 * WhatsApp Cloud API. Webhooks are signed with {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the
 * body with the app secret>}; the webhook URL is verified once with a {@code GET} carrying
 * {@code hub.verify_token}, answered with {@code hub.challenge}. Text messages become user messages (other
 * kinds are skipped); {@code delivered}, {@code read} and {@code failed} statuses become status updates.
 * Replies go to {@code POST <base-url>/<phone-number-id>/messages} with the access token as a bearer token.
 */
@ApplicationScoped
public class WhatsAppChannel implements Channel {

    public static final String ID = "whatsapp";
    public static final String APP_SECRET = "app-secret";
    public static final String VERIFY_TOKEN = "verify-token";
    public static final String PHONE_NUMBER_ID = "phone-number-id";
    public static final String ACCESS_TOKEN = "access-token";
    public static final String DEFAULT_BASE_URL = "https://graph.facebook.com/v21.0";

    private static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private final ObjectMapper json;
    private final ChannelHttp http;

    public WhatsAppChannel(ObjectMapper json, ChannelHttp http) {
        this.json = json;
        this.http = http;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean namesUsersByPhoneNumber() {
        return true;
    }

    @Override
    public List<String> requiredSettings() {
        return List.of(APP_SECRET, VERIFY_TOKEN, PHONE_NUMBER_ID, ACCESS_TOKEN);
    }

    @Override
    public Verification verify(WebhookRequest request, ChannelSettings settings) {
        String header = request.header(SIGNATURE_HEADER);
        if (header == null || !header.startsWith("sha256=")) {
            return Verification.rejected("missing " + SIGNATURE_HEADER);
        }
        String expected = HexFormat.of().formatHex(Signatures.hmacSha256(settings.require(APP_SECRET), request.body()));
        String given = header.substring("sha256=".length()).toLowerCase();
        return Signatures.constantTimeEquals(expected, given) ? Verification.verified()
                : Verification.rejected("signature does not match");
    }

    @Override
    public WebhookAnswer handshake(WebhookRequest request, ChannelSettings settings) {
        Map<String, String> query = request.query();
        String challenge = query.get("hub.challenge");
        if ("subscribe".equals(query.get("hub.mode")) && challenge != null
                && Signatures.constantTimeEquals(settings.require(VERIFY_TOKEN), query.get("hub.verify_token"))) {
            return WebhookAnswer.ok("text/plain", challenge);
        }
        // Meta's documentation asks for 403 when the verify token does not match.
        return WebhookAnswer.status(403);
    }

    @Override
    public Inbound parse(WebhookRequest request) {
        JsonNode root = JsonBodies.webhook(json, request.body());
        if (!"whatsapp_business_account".equals(root.path("object").asText())) {
            throw new IllegalArgumentException("not a WhatsApp Business Account webhook");
        }
        List<UserMessage> messages = new ArrayList<>();
        List<StatusUpdate> statuses = new ArrayList<>();
        for (JsonNode entry : root.path("entry")) {
            for (JsonNode change : entry.path("changes")) {
                JsonNode value = change.path("value");
                for (JsonNode message : value.path("messages")) {
                    if ("text".equals(message.path("type").asText())) {
                        messages.add(new UserMessage(PhoneNumbers.e164(message.path("from").asText()),
                                JsonBodies.required(message, "id"), message.path("text").path("body").asText(""), null));
                    }
                }
                for (JsonNode status : value.path("statuses")) {
                    StatusUpdate update = statusUpdate(status);
                    if (update != null) {
                        statuses.add(update);
                    }
                }
            }
        }
        return Inbound.of(messages, statuses);
    }

    private static StatusUpdate statusUpdate(JsonNode status) {
        String id = JsonBodies.required(status, "id");
        return switch (status.path("status").asText()) {
            case "delivered" -> new StatusUpdate(id, StatusUpdate.State.DELIVERED, null);
            case "read" -> new StatusUpdate(id, StatusUpdate.State.READ, null);
            case "failed" -> {
                JsonNode error = status.path("errors").path(0);
                String detail = error.isMissingNode() ? null
                        : error.path("code").asText() + " " + error.path("title").asText();
                yield new StatusUpdate(id, StatusUpdate.State.FAILED, detail);
            }
            default -> null; // "sent": the send API's answer already said so
        };
    }

    @Override
    public String deliver(OutboundMessage message, ChannelSettings settings) throws DeliveryException {
        Map<String, Object> body = Map.of(
                "messaging_product", "whatsapp",
                "recipient_type", "individual",
                "to", message.address(),
                "type", "text",
                "text", Map.of("preview_url", false, "body", message.text()));
        HttpRequest request = http.request(settings.get(BASE_URL, DEFAULT_BASE_URL) + "/"
                        + settings.require(PHONE_NUMBER_ID) + "/messages")
                .header("Authorization", "Bearer " + settings.require(ACCESS_TOKEN))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JsonBodies.write(json, body)))
                .build();
        JsonNode answer = JsonBodies.answer(json, http.send(request, ID).body(), ID);
        String id = answer.path("messages").path(0).path("id").asText(null);
        if (id == null) {
            throw DeliveryException.permanent("WhatsApp answered without a message id: " + answer);
        }
        return id;
    }
}
