package dev.switchboard.gateway.channels.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.DeliveryStatus;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.channels.StatusUpdate;
import dev.switchboard.gateway.messaging.ReplyConsumer;
import dev.switchboard.schemas.Envelopes;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Writes {@link DeliveryReport}s of replies sent on messaging platforms to {@code deliveries}, keyed by
 * session id: one when the send API took the reply (or finally did not), and one per status the platform
 * reports later. Each report's event id is derived from the reply's and the step ({@code channel-delivery},
 * {@code channel-delivery/read}, ...), so a repeated status webhook yields the same id.
 */
@ApplicationScoped
public class ChannelDeliveryReports {

    static final String SENT_STEP = "channel-delivery";

    private final MutinyEmitter<Record<String, DeliveryReport>> deliveries;

    ChannelDeliveryReports(@Channel(ReplyConsumer.DELIVERIES) MutinyEmitter<Record<String, DeliveryReport>> deliveries) {
        this.deliveries = deliveries;
    }

    /** The platform took the reply. */
    public Uni<Void> sent(ReplyOutbound reply, int attempts, String detail) {
        return publish(report(reply, SENT_STEP, DeliveryStatus.DELIVERED, attempts, detail));
    }

    /** The reply could not be sent; it went to the dead letters. */
    public Uni<Void> failed(ReplyOutbound reply, int attempts, String detail) {
        return publish(report(reply, SENT_STEP, DeliveryStatus.FAILED, attempts, detail));
    }

    /** What the platform later said about a reply it took. */
    public Uni<Void> status(ReplyOutbound reply, String channel, StatusUpdate update) {
        String state = update.state().name().toLowerCase();
        DeliveryStatus status = update.state() == StatusUpdate.State.FAILED ? DeliveryStatus.FAILED : DeliveryStatus.DELIVERED;
        String detail = channel + " reports the message " + update.platformMessageId() + " " + state
                + (update.detail() != null ? ": " + update.detail() : "");
        return publish(report(reply, SENT_STEP + "/" + state, status, 1, detail));
    }

    static DeliveryReport report(ReplyOutbound reply, String step, DeliveryStatus status, int attempts, String detail) {
        return DeliveryReport.newBuilder()
                .setEnvelope(Envelopes.derive(reply.getEnvelope(), step))
                .setReplyEventId(reply.getEnvelope().getEventId())
                .setStatus(status)
                .setAttempts(attempts)
                .setDetail(detail)
                .build();
    }

    private Uni<Void> publish(DeliveryReport report) {
        return Uni.createFrom().deferred(() -> deliveries.send(Record.of(report.getEnvelope().getSessionId(), report)));
    }
}
