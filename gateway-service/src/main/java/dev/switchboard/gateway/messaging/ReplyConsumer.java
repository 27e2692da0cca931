package dev.switchboard.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.DeliveryStatus;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.ReplyHub;
import dev.switchboard.schemas.Envelopes;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Reads {@code replies.outbound} and hands each reply to the web chat clients connected to this instance
 * ({@link ReplyHub}); when at least one received it, writes a {@link DeliveryReport} to {@code deliveries},
 * keyed by session id.
 *
 * <p>Every gateway instance reads every reply: its consumer group is unique to the instance
 * ({@code switchboard-gateway-${quarkus.uuid}}) and starts at the end of the topic, because a reply
 * can only be delivered by the instance its client is connected to. Channels that deliver by calling
 * out (webhooks) will read with one shared group instead, so that each reply is sent exactly once.
 */
@ApplicationScoped
public class ReplyConsumer {

    public static final String REPLIES_OUTBOUND = "replies-outbound";
    public static final String DELIVERIES = "deliveries";
    /** The step name from which the delivery report's event id is derived. */
    static final String DELIVERY_STEP = "delivery";

    private static final Logger LOG = Logger.getLogger(ReplyConsumer.class);

    private final ReplyHub hub;
    private final MutinyEmitter<Record<String, DeliveryReport>> deliveries;

    ReplyConsumer(ReplyHub hub, @Channel(DELIVERIES) MutinyEmitter<Record<String, DeliveryReport>> deliveries) {
        this.hub = hub;
        this.deliveries = deliveries;
    }

    @Incoming(REPLIES_OUTBOUND)
    public Uni<Void> deliver(ReplyOutbound reply) {
        if (reply == null) {
            // fail-on-deserialization-failure=false hands an undecodable record over as null: dead-letter it
            return Uni.createFrom().failure(new IllegalArgumentException("Undecodable record on replies.outbound"));
        }
        int listeners = hub.deliver(reply);
        if (listeners == 0) {
            return Uni.createFrom().voidItem();
        }
        DeliveryReport report = report(reply, listeners);
        // The reply has reached its client already: its report is sent without holding up the next reply (a
        // report waited for would put one broker round trip per reply in series), and a lost report must not send
        // the reply to the dead letters.
        deliveries.send(Record.of(reply.getEnvelope().getSessionId(), report)).subscribe().with(
                sent -> { },
                failure -> LOG.errorf(failure, "Delivery report of reply %s not published",
                        reply.getEnvelope().getEventId()));
        return Uni.createFrom().voidItem();
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
