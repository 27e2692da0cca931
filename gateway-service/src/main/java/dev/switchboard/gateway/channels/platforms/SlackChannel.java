package dev.switchboard.gateway.channels.platforms;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

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
import dev.switchboard.gateway.channels.WebhookAnswer;
import dev.switchboard.gateway.channels.WebhookRequest;

/**
 * Slack Events API. Requests are signed with the app's signing secret, version {@code v0}:
 * {@code X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<X-Slack-Request-Timestamp>:<body>">}, and refused
 * when the timestamp is more than five minutes away from now (a replayed request). The URL is verified
 * with a signed {@code url_verification} event, answered with its challenge. Plain {@code message} events
 * from people become user messages; messages from bots (including this app's own replies) and edits are
 * skipped. Replies go to {@code POST <base-url>/chat.postMessage} with the bot token, addressed to the user,
 * which Slack delivers in the app's direct conversation with them.
 */
@ApplicationScoped
public class SlackChannel implements Channel {

    public static final String ID = "slack";
    public static final String SIGNING_SECRET = "signing-secret";
    public static final String BOT_TOKEN = "bot-token";
    public static final String DEFAULT_BASE_URL = "https://slack.com/api";
    /** How far a request's timestamp may be from now. */
    public static final Duration REPLAY_WINDOW = Duration.ofMinutes(5);

    // Errors Slack answers with 200 {"ok": false} that may pass when tried again.
    private static final Set<String> TRANSIENT_ERRORS =
            Set.of("ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout");

    private final ObjectMapper json;
    private final ChannelHttp http;
    private final Clock clock;

    @Inject
    public SlackChannel(ObjectMapper json, ChannelHttp http) {
        this(json, http, Clock.systemUTC());
    }

    /** With another clock, for tests of the replay window. */
    public SlackChannel(ObjectMapper json, ChannelHttp http, Clock clock) {
        this.json = json;
        this.http = http;
        this.clock = clock;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public List<String> requiredSettings() {
        return List.of(SIGNING_SECRET, BOT_TOKEN);
    }

    @Override
    public Verification verify(WebhookRequest request, ChannelSettings settings) {
        String timestamp = request.header("X-Slack-Request-Timestamp");
        String signature = request.header("X-Slack-Signature");
        if (timestamp == null || signature == null) {
            return Verification.rejected("missing X-Slack-Request-Timestamp or X-Slack-Signature");
        }
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.strip());
        } catch (NumberFormatException e) {
            return Verification.rejected("malformed X-Slack-Request-Timestamp");
        }
        if (Math.abs(clock.instant().getEpochSecond() - seconds) > REPLAY_WINDOW.toSeconds()) {
            return Verification.rejected("timestamp outside the replay window");
        }
        byte[] base = ("v0:" + timestamp.strip() + ":").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[base.length + request.body().length];
        System.arraycopy(base, 0, signed, 0, base.length);
        System.arraycopy(request.body(), 0, signed, base.length, request.body().length);
        String expected = "v0=" + HexFormat.of().formatHex(Signatures.hmacSha256(settings.require(SIGNING_SECRET), signed));
        return Signatures.constantTimeEquals(expected, signature.strip()) ? Verification.verified()
                : Verification.rejected("signature does not match");
    }

    @Override
    public Inbound parse(WebhookRequest request) {
        JsonNode root = JsonBodies.webhook(json, request.body());
        String type = root.path("type").asText();
        if ("url_verification".equals(type)) {
            String challenge = JsonBodies.required(root, "challenge");
            return Inbound.answerOnly(WebhookAnswer.ok("application/json", JsonBodies.write(json, Map.of("challenge", challenge))));
        }
        if (!"event_callback".equals(type)) {
            return Inbound.of(List.of(), List.of());
        }
        JsonNode event = root.path("event");
        boolean fromAPerson = "message".equals(event.path("type").asText())
                && !event.hasNonNull("subtype") && !event.hasNonNull("bot_id") && event.hasNonNull("user");
        if (!fromAPerson) {
            return Inbound.of(List.of(), List.of());
        }
        // event_id is what Slack repeats on a retried delivery; channel + ts names the message itself.
        String messageId = root.hasNonNull("event_id") ? root.path("event_id").asText()
                : JsonBodies.required(event, "channel") + ":" + JsonBodies.required(event, "ts");
        UserMessage message = new UserMessage(JsonBodies.required(event, "user"), messageId,
                event.path("text").asText(""), event.path("channel").asText(null));
        return Inbound.of(List.of(message), List.of());
    }

    @Override
    public String deliver(OutboundMessage message, ChannelSettings settings) throws DeliveryException {
        String body = JsonBodies.write(json, Map.of("channel", message.address(), "text", message.text()));
        HttpRequest request = http.request(settings.get(BASE_URL, DEFAULT_BASE_URL) + "/chat.postMessage")
                .header("Authorization", "Bearer " + settings.require(BOT_TOKEN))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        JsonNode answer = JsonBodies.answer(json, http.send(request, ID).body(), ID);
        if (!answer.path("ok").asBoolean(false)) {
            String error = answer.path("error").asText("unknown_error");
            String detail = "slack refused the message: " + error;
            throw TRANSIENT_ERRORS.contains(error) ? DeliveryException.transientFailure(detail)
                    : DeliveryException.permanent(detail);
        }
        String ts = answer.path("ts").asText(null);
        return ts != null ? ts : answer.path("message").path("ts").asText("");
    }
}
