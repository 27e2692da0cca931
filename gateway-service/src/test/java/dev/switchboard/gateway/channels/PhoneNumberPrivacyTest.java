package dev.switchboard.gateway.channels;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.Replies;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.channels.platforms.TwilioSmsChannel;
import dev.switchboard.gateway.inbound.ChannelIdentities;
import dev.switchboard.gateway.inbound.ChannelTurns;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A message from a phone number, through the webhook, the inbound topology and back: the turn names a keyed
 * pseudonym and carries no digits of the number, and the reply still reaches the number, which delivery takes
 * from the address the gateway recorded.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class PhoneNumberPrivacyTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    SessionIds sessions;

    @Inject
    ChannelIdentities identities;

    FakePlatform platform = FakePlatformsConfigSource.platform();

    static String digits() {
        return "4915" + (10_000_000 + (long) (Math.random() * 89_999_999));
    }

    @Test
    void aWhatsAppSenderIsAPseudonymInItsTurnAndStillGetsTheReply() throws Exception {
        String digits = digits();
        String id = "wamid." + UUID.randomUUID();
        String body = Samples.whatsapp("message", "text").replace("wamid.xyzxyz", id).replace("972987654321", digits);
        given().contentType("application/json")
                .header("X-Hub-Signature-256", "sha256=" + Samples.hmacSha256Hex("test-whatsapp-app-secret", body))
                .body(body.getBytes(StandardCharsets.UTF_8))
                .post("/v1/channels/acme/whatsapp/webhook").then().statusCode(200);

        TurnReceived turn = turnOf("whatsapp", "+" + digits, id);
        Replies.send(turn.getEnvelope().getSessionId(), Replies.to(turn.getEnvelope(), "Hello, number owner"));

        FakePlatform.Received sent = platform.await(r -> r.path().startsWith("/whatsapp/")
                && r.body().contains("Hello, number owner"), 1, TIMEOUT).get(0);
        assertThat(Samples.JSON.readTree(sent.body()).path("to").asText()).isEqualTo("+" + digits);
    }

    @Test
    void anSmsSenderIsAPseudonymInItsTurnAndStillGetsTheReply() throws Exception {
        String digits = digits();
        String sid = "SM" + UUID.randomUUID().toString().replace("-", "");
        String body = Samples.text("sms/incoming_message.form").replace("SM1f0e8ae6ade43cb3c0ce4525424e404f", sid)
                .replace("From=%2B14158675309", "From=%2B" + digits);
        String url = "http://localhost:" + port + "/v1/channels/acme/sms/webhook";
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Twilio-Signature", TwilioSmsChannel.signature("test-twilio-auth-token", url, FormBody.parse(body)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).isEqualTo(200);

        TurnReceived turn = turnOf("sms", "+" + digits, sid);
        Replies.send(turn.getEnvelope().getSessionId(), Replies.to(turn.getEnvelope(), "Your SMS answer"));

        FakePlatform.Received sent = platform.await(r -> r.path().startsWith("/twilio/")
                && "Your SMS answer".equals(FormBody.first(FormBody.parse(r.body()), "Body")), 1, TIMEOUT).get(0);
        assertThat(FormBody.first(FormBody.parse(sent.body()), "To")).isEqualTo("+" + digits);
    }

    /** The turn of the platform message, checked to carry no digits of the number; and its recorded address. */
    TurnReceived turnOf(String channel, String number, String platformMessageId) {
        String user = identities.unlinkedUser("acme", channel, number);
        TurnReceived turn;
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            turn = turns.first(sessions.forPrincipal("acme", user),
                    t -> platformMessageId.equals(t.getChannelMessageId()), TIMEOUT).value();
        }
        String principal = turn.getEnvelope().getPrincipal().getUser();
        assertThat(principal).isEqualTo(user).matches(channel + ":p-[a-z2-7]{20}");
        String digits = number.substring(1);
        assertThat(turn.toString()).as("the whole turn, envelope and attributes included")
                .doesNotContain(digits).doesNotContain(digits.substring(digits.length() - 8));

        try (var links = TopicReader.fromBeginning(bootstrap, Topics.IDENTITY_LINKS)) {
            IdentityLink address = links.first(ChannelTurns.addressKey("acme", channel, number), TIMEOUT).value();
            assertThat(address.getUser()).isEqualTo(user);
            assertThat(address.getChannelUserId()).isEqualTo(number);
        }
        return turn;
    }
}
