package dev.switchboard.gateway;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.EmbeddedKafka;

/**
 * Plays the supervisor in tests: writes replies to {@code replies.outbound} and, as the supervisor does, a copy to
 * every partition of {@code replies.routed} that the reply's envelope names ({@code replyTo}).
 */
public final class Replies {

    private Replies() {
    }

    /** A reply to a turn, as the supervisor would derive it from the turn's envelope. */
    public static ReplyOutbound to(Envelope turn, String text) {
        return ReplyOutbound.newBuilder()
                .setEnvelope(Envelopes.derive(turn, "reply"))
                .setKind(ReplyKind.AGENT_REPLY)
                .setText(text)
                .setAgent("concierge")
                .build();
    }

    /**
     * A reply to a new turn of a session that the gateway did not open itself, for the reply streams of this test
     * instance (slot 0), as if the turn had named it.
     */
    public static ReplyOutbound forSession(String tenant, String sessionId, String text) {
        Envelope turn = Envelope.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setTenant(tenant)
                .setSessionId(sessionId)
                .setTurnId(UUID.randomUUID().toString())
                .setPrincipal(Principal.newBuilder().setTenant(tenant).setUser("someone").build())
                .setChannel("webchat")
                .setDelegationChain(List.of())
                .setOccurredAt(Instant.now())
                .setReplyTo(List.of(0))
                .build();
        return to(turn, text);
    }

    /**
     * Writes the replies in order, all with the same record key (so, to the same partition), as the supervisor,
     * their one writer.
     */
    public static void send(String key, ReplyOutbound... replies) throws Exception {
        try (var producer = new KafkaProducer<>(EmbeddedKafka.shared().clientProperties("supervisor"),
                Topics.REPLIES_OUTBOUND.keySerde().serializer(), Topics.REPLIES_OUTBOUND.valueSerde().serializer())) {
            for (ReplyOutbound reply : replies) {
                producer.send(new ProducerRecord<>(Topics.REPLIES_OUTBOUND.name(), key, reply)).get();
                for (int slot : Set.copyOf(reply.getEnvelope().getReplyTo())) {
                    producer.send(new ProducerRecord<>(Topics.REPLIES_ROUTED.name(), slot, key, reply)).get();
                }
            }
        }
    }
}
