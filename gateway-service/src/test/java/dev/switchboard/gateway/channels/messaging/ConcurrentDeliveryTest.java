package dev.switchboard.gateway.channels.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.DeliveryStatus;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.channels.FakePlatform;
import dev.switchboard.gateway.channels.FakePlatform.Answer;
import dev.switchboard.gateway.channels.FakePlatformsConfigSource;
import dev.switchboard.gateway.channels.Samples;
import dev.switchboard.gateway.inbound.ChannelIdentities;
import dev.switchboard.gateway.inbound.ChannelTurns;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Replies of many sessions delivered at the same time to the local platform server: each session's replies arrive
 * in the order they were written, and a session whose platform call is slow and failing holds back only itself,
 * also behind it on the same partition.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class ConcurrentDeliveryTest {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final Answer TELEGRAM_OK = Answer.json(200, "{\"ok\":true,\"result\":{\"message_id\":7,\"chat\":{\"id\":7}}}");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    DeliveryAddressBook addresses;

    @Inject
    ChannelIdentities identities;

    FakePlatform platform = FakePlatformsConfigSource.platform();

    /** A Telegram chat whose address the inbound topology recorded, with its principal user. */
    record Chat(String chatId, String user, String sessionId) {
    }

    Chat chat(String sessionId) {
        String chatId = Long.toString(Math.abs(UUID.randomUUID().getMostSignificantBits() % 1_000_000_000_000L));
        String user = identities.unlinkedUser("acme", "telegram", chatId);
        TopicWriter.send(bootstrap, Topics.IDENTITY_LINKS, ChannelTurns.addressKey("acme", "telegram", chatId),
                IdentityLink.newBuilder().setTenant("acme").setChannel("telegram").setChannelUserId(chatId)
                        .setUser(user).setLinkedAt(Instant.now()).build());
        await().atMost(TIMEOUT).until(() -> addresses.addressOf("acme", "telegram", user).isPresent());
        return new Chat(chatId, user, sessionId);
    }

    static ReplyOutbound reply(Chat chat, String text) {
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("acme")
                .setSessionId(chat.sessionId()).setTurnId(UUID.randomUUID().toString())
                .setPrincipal(Principal.newBuilder().setTenant("acme").setUser(chat.user()).build())
                .setChannel("telegram").setDelegationChain(List.of()).setOccurredAt(Instant.now()).build();
        return ReplyOutbound.newBuilder().setEnvelope(envelope).setKind(ReplyKind.AGENT_REPLY).setText(text)
                .setAgent("concierge").build();
    }

    RecordMetadata send(ReplyOutbound reply) {
        return TopicWriter.send(bootstrap, Topics.REPLIES_OUTBOUND, reply.getEnvelope().getSessionId(), reply);
    }

    static boolean to(FakePlatform.Received request, Chat chat) {
        return request.path().startsWith("/telegram/") && json(request).path("chat_id").asText().equals(chat.chatId());
    }

    static String text(FakePlatform.Received request) {
        return json(request).path("text").asText();
    }

    static JsonNode json(FakePlatform.Received request) {
        try {
            return Samples.JSON.readTree(request.body());
        } catch (Exception e) {
            return Samples.JSON.missingNode();
        }
    }

    DeliveryReport report(ReplyOutbound reply, DeliveryStatus status) {
        try (var deliveries = TopicReader.fromBeginning(bootstrap, Topics.DELIVERIES)) {
            return deliveries.first(reply.getEnvelope().getSessionId(), r -> r.getStatus() == status
                    && r.getReplyEventId().equals(reply.getEnvelope().getEventId()), TIMEOUT).value();
        }
    }

    @Test
    void sessionsAreDeliveredAtTheSameTimeEachInItsOwnOrder() {
        int sessions = 6;
        int repliesEach = 4;
        Duration platformTakes = Duration.ofMillis(300);
        List<Chat> chats = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            Chat chat = chat(UUID.randomUUID().toString());
            chats.add(chat);
            platform.answerWhen(request -> to(request, chat), TELEGRAM_OK, platformTakes);
        }

        long started = System.nanoTime();
        for (int n = 0; n < repliesEach; n++) {
            for (Chat chat : chats) {
                send(reply(chat, "reply " + n + " of " + chat.sessionId()));
            }
        }
        for (Chat chat : chats) {
            platform.await(request -> to(request, chat), repliesEach, TIMEOUT);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        for (Chat chat : chats) {
            assertThat(platform.received(request -> to(request, chat))).extracting(ConcurrentDeliveryTest::text)
                    .as("the replies of one session, in the order they were written")
                    .containsExactly("reply 0 of " + chat.sessionId(), "reply 1 of " + chat.sessionId(),
                            "reply 2 of " + chat.sessionId(), "reply 3 of " + chat.sessionId());
        }
        // one at a time, the 24 calls of 300 ms would take 7.2 s
        assertThat(took).isLessThan(platformTakes.multipliedBy((long) sessions * repliesEach).minusMillis(1500));
        assertThat(platform.mostConcurrentRequests()).isGreaterThan(1);
    }

    @Test
    void aSlowFailingSessionHoldsBackOnlyItselfNotTheSessionBehindItOnItsPartition() {
        Chat slow = chat(UUID.randomUUID().toString());
        // every attempt of its first reply takes 1.5 s and fails; max-retries=2 in tests: about 4.5 s in all
        platform.answerWhen(request -> to(request, slow) && text(request).equals("first, failing"),
                Answer.json(503, "{\"ok\":false,\"description\":\"Service Unavailable\"}"), Duration.ofMillis(1500));
        ReplyOutbound failing = reply(slow, "first, failing");
        ReplyOutbound second = reply(slow, "second");
        int partition = send(failing).partition();
        send(second);

        String otherSession;
        do {
            otherSession = UUID.randomUUID().toString();
        } while (Utils.toPositive(Utils.murmur2(otherSession.getBytes(StandardCharsets.UTF_8)))
                % Topics.REPLIES_OUTBOUND.partitions() != partition);
        Chat other = chat(otherSession);
        ReplyOutbound behind = reply(other, "behind on the same partition");
        long sent = System.nanoTime();
        assertThat(send(behind).partition()).isEqualTo(partition);

        platform.await(request -> to(request, other), 1, TIMEOUT);
        Duration waited = Duration.ofNanos(System.nanoTime() - sent);
        assertThat(report(behind, DeliveryStatus.DELIVERED).getAttempts()).isEqualTo(1);
        assertThat(waited).as("not behind the slow session's retries").isLessThan(Duration.ofMillis(3000));

        DeliveryReport failed = report(failing, DeliveryStatus.FAILED);
        assertThat(failed.getAttempts()).isEqualTo(3);
        assertThat(failed.getDetail()).startsWith("retries-exhausted");
        platform.await(request -> to(request, slow) && text(request).equals("second"), 1, TIMEOUT);
        assertThat(platform.received(request -> to(request, slow))).extracting(ConcurrentDeliveryTest::text)
                .as("the session's next reply only after its first is settled")
                .containsExactly("first, failing", "first, failing", "first, failing", "second");
        assertThat(report(second, DeliveryStatus.DELIVERED).getAttempts()).isEqualTo(1);
    }
}
