package dev.switchboard.gateway.channels.platforms;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.gateway.channels.Channel;
import dev.switchboard.gateway.channels.ChannelHttp;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.DeliveryException;
import dev.switchboard.gateway.channels.FormBody;
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
 * Twilio Programmable Messaging (SMS). Webhooks are form-encoded and signed with
 * {@code X-Twilio-Signature: base64(HMAC-SHA1(auth token, <full URL> + every POST parameter name and value,
 * sorted by name))}; a bad signature gets 403, as Twilio's own validators answer. The URL is the one
 * Twilio called: behind a proxy that rewrites it, set {@code webhook-url}. An incoming message
 * ({@code MessageSid}, {@code From}, {@code Body}) becomes a user message; a status callback
 * ({@code MessageStatus}) a status update. Replies go to
 * {@code POST <base-url>/2010-04-01/Accounts/<account-sid>/Messages.json} with HTTP basic authentication.
 */
@ApplicationScoped
public class TwilioSmsChannel implements Channel {

    public static final String ID = "sms";
    public static final String AUTH_TOKEN = "auth-token";
    public static final String ACCOUNT_SID = "account-sid";
    public static final String FROM_NUMBER = "from-number";
    /** The public URL of this webhook as configured at Twilio, when the request URL seen here differs. */
    public static final String WEBHOOK_URL = "webhook-url";
    /** Where Twilio posts the status of sent messages; usually this same webhook URL. Optional. */
    public static final String STATUS_CALLBACK_URL = "status-callback-url";
    public static final String DEFAULT_BASE_URL = "https://api.twilio.com";

    private static final String SIGNATURE_HEADER = "X-Twilio-Signature";
    // Twilio reads a TwiML document from the answer: an empty one sends nothing back by itself.
    private static final String EMPTY_TWIML = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response></Response>";

    private final ObjectMapper json;
    private final ChannelHttp http;

    public TwilioSmsChannel(ObjectMapper json, ChannelHttp http) {
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
        return List.of(AUTH_TOKEN, ACCOUNT_SID, FROM_NUMBER);
    }

    @Override
    public Verification verify(WebhookRequest request, ChannelSettings settings) {
        String given = request.header(SIGNATURE_HEADER);
        if (given == null) {
            return Verification.rejected(403, "missing " + SIGNATURE_HEADER);
        }
        String url = settings.get(WEBHOOK_URL, request.url().toString());
        String expected = signature(settings.require(AUTH_TOKEN), url, FormBody.parse(request.bodyText()));
        return Signatures.constantTimeEquals(expected, given.strip()) ? Verification.verified()
                : Verification.rejected(403, "signature does not match");
    }

    /** Twilio's signature of a request: the URL, then each parameter's name and value, sorted by name. */
    public static String signature(String authToken, String url, Map<String, List<String>> params) {
        StringBuilder data = new StringBuilder(url);
        new TreeMap<>(params).forEach((name, values) -> {
            List<String> sorted = new ArrayList<>(values);
            sorted.sort(null);
            sorted.forEach(value -> data.append(name).append(value));
        });
        return Base64.getEncoder().encodeToString(
                Signatures.hmacSha1(authToken, data.toString().getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public Inbound parse(WebhookRequest request) {
        Map<String, List<String>> params = FormBody.parse(request.bodyText());
        String sid = FormBody.first(params, "MessageSid");
        if (sid == null || sid.isBlank()) {
            throw new IllegalArgumentException("missing MessageSid");
        }
        String status = FormBody.first(params, "MessageStatus");
        if (status != null) {
            StatusUpdate update = switch (status) {
                case "delivered" -> new StatusUpdate(sid, StatusUpdate.State.DELIVERED, null);
                case "read" -> new StatusUpdate(sid, StatusUpdate.State.READ, null);
                case "failed", "undelivered" -> new StatusUpdate(sid, StatusUpdate.State.FAILED,
                        status + " (error " + FormBody.first(params, "ErrorCode") + ")");
                default -> null; // queued, sending, sent: still on its way
            };
            return new Inbound(List.of(), update == null ? List.of() : List.of(update), twiml());
        }
        String body = FormBody.first(params, "Body");
        if (body == null) {
            throw new IllegalArgumentException("neither Body nor MessageStatus");
        }
        UserMessage message = new UserMessage(PhoneNumbers.e164(FormBody.first(params, "From")), sid, body, null);
        return new Inbound(List.of(message), List.of(), twiml());
    }

    private static WebhookAnswer twiml() {
        return WebhookAnswer.ok("text/xml", EMPTY_TWIML);
    }

    @Override
    public String deliver(OutboundMessage message, ChannelSettings settings) throws DeliveryException {
        String accountSid = settings.require(ACCOUNT_SID);
        Map<String, String> form = new LinkedHashMap<>();
        form.put("To", message.address());
        form.put("From", settings.require(FROM_NUMBER));
        form.put("Body", message.text());
        settings.get(STATUS_CALLBACK_URL).ifPresent(url -> form.put("StatusCallback", url));
        String credentials = Base64.getEncoder().encodeToString(
                (accountSid + ":" + settings.require(AUTH_TOKEN)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = http.request(settings.get(BASE_URL, DEFAULT_BASE_URL) + "/2010-04-01/Accounts/"
                        + accountSid + "/Messages.json")
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(FormBody.encode(form)))
                .build();
        JsonNode answer = JsonBodies.answer(json, http.send(request, ID).body(), ID);
        String sid = answer.path("sid").asText(null);
        if (sid == null) {
            throw DeliveryException.permanent("twilio answered without a message sid: " + answer);
        }
        return sid;
    }
}
