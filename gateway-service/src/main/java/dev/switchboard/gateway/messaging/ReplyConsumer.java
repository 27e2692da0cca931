package dev.switchboard.gateway.messaging;

import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.DeliveryStatus;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.ReplyHub;
import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Reads this instance's own partition of {@code replies.routed} (its slot, {@code switchboard.gateway.instance-slot})
 * and hands each reply to the web chat clients connected here ({@link ReplyHub}); when at least one received it,
 * writes a {@link DeliveryReport} to {@code deliveries}, keyed by session id.
 *
 * <p>The supervisor writes a copy of a reply to the partition of every instance that its turn named
 * ({@link ReplyStreams}), so an instance reads only the replies its clients wait for, not every reply of the
 * system. It reads its partition with a plain consumer (no group: no rebalances), read_committed (the supervisor
 * writes in transactions), from {@code reply-look-back} (2 min) before its start: the replies that came while it was
 * down (a crash, a restart) fill {@link ReplyHub}'s recent replies, so a client that sends its message again with the
 * same {@code messageId} gets the reply instead of waiting for one that went by. Channels that deliver by calling out (webhooks) read
 * {@code replies.outbound} with one shared group instead, so that each reply is sent exactly once.
 */
@ApplicationScoped
public class ReplyConsumer {

    public static final String DELIVERIES = "deliveries";
    /** The step name from which the delivery report's event id is derived. */
    static final String DELIVERY_STEP = "delivery";

    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class);

    private final ReplyHub hub;
    private final MutinyEmitter<Record<String, DeliveryReport>> deliveries;
    private final KafkaClientConfig kafka;
    private final int slot;
    private final TopicFollower<ReplyOutbound> follower;

    ReplyConsumer(ReplyHub hub, @Channel(DELIVERIES) MutinyEmitter<Record<String, DeliveryReport>> deliveries,
            KafkaClientConfig kafka, GatewayConfig config) {
        this.hub = hub;
        this.deliveries = deliveries;
        this.kafka = kafka;
        this.slot = config.instanceSlot();
        this.follower = new TopicFollower<>(kafka.connection(), Topics.REPLIES_ROUTED, slot, new TopicFollower.LookBack(config.replyLookBack()),
                (session, reply) -> deliver(reply));
    }

    /** Checks the slot against the topic, then starts reading; a slot the topic lacks stops the start. */
    void start(@Observes StartupEvent event) throws Exception {
        try (Admin admin = Admin.create(kafka.connection())) {
            TopicDescription routed = admin.describeTopics(List.of(Topics.REPLIES_ROUTED.name()))
                    .allTopicNames().get().get(Topics.REPLIES_ROUTED.name());
            if (slot >= routed.partitions().size()) {
                throw new IllegalStateException("switchboard.gateway.instance-slot is " + slot + ", but "
                        + Topics.REPLIES_ROUTED.name() + " has only " + routed.partitions().size()
                        + " partitions: give each instance a slot below that, or add partitions");
            }
        }
        follower.start();
    }

    @PreDestroy
    void stop() {
        follower.stop();
    }

    /** Whether this instance reads its partition from a fixed position, so that no reply to a turn it takes is missed. */
    public boolean ready() {
        return follower.caughtUp();
    }

    /** The partition of {@code replies.routed} this instance reads. */
    public int slot() {
        return slot;
    }

    void deliver(ReplyOutbound reply) {
        if (reply == null) {
            return;
        }
        int listeners = hub.deliver(reply);
        if (listeners == 0) {
            return;
        }
        DeliveryReport report = report(reply, listeners);
        // The reply has reached its client already: its report is sent without holding up the next reply (a
        // report waited for would put one broker round trip per reply in series).
        deliveries.send(Record.of(reply.getEnvelope().getSessionId(), report)).subscribe().with(
                sent -> { },
                failure -> LOG.errorf(failure, "Delivery report of reply %s not published",
                        reply.getEnvelope().getEventId()));
    }

    static DeliveryReport report(ReplyOutbound reply, int listeners) {
        return DeliveryReport.newBuilder()
                .setEnvelope(Envelopes.derive(reply.getEnvelope(), DELIVERY_STEP))
                .setReplyEventId(reply.getEnvelope().getEventId())
                .setStatus(DeliveryStatus.DELIVERED)
                .setAttempts(1)
                .setDetail("handed to " + listeners + " web chat " + (listeners == 1 ? "client" : "clients"))
                .build();
    }
}
