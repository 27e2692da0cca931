package dev.switchboard.gateway.channels.messaging;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.channels.ChannelRegistry;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.DeliveryException;
import dev.switchboard.gateway.channels.OutboundMessage;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Delivers replies on messaging channels: reads {@code replies.outbound} in the consumer group
 * {@code switchboard-gateway-delivery}, shared by all instances, so that each reply is sent by exactly one
 * of them, and skips replies for channels that are not messaging platforms (web chat). Each reply gets a
 * {@code DeliveryReport} on {@code deliveries}; a reply that cannot be sent (no address, channel not
 * configured for the tenant, refused, or still failing after the last retry) goes to {@code deadletters}
 * with headers naming the reason.
 *
 * <p>Replies are handled one at a time, in order: a session's replies arrive in the order they were written.
 */
@ApplicationScoped
public class ChannelReplyConsumer {

    public static final String REPLIES = "replies-outbound-channels";
    public static final String DEAD_LETTERS = "deadletters";
    public static final String REASON_HEADER = "dead-letter-reason";
    public static final String CAUSE_HEADER = "dead-letter-cause";

    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(ChannelReplyConsumer.class);

    private final ChannelRegistry registry;
    private final DeliveryAddressBook addresses;
    private final ChannelSender sender;
    private final SentMessages sent;
    private final ChannelDeliveryReports reports;
    private final MutinyEmitter<ReplyOutbound> deadLetters;

    ChannelReplyConsumer(ChannelRegistry registry, DeliveryAddressBook addresses, ChannelSender sender,
            SentMessages sent, ChannelDeliveryReports reports,
            @Channel(DEAD_LETTERS) MutinyEmitter<ReplyOutbound> deadLetters) {
        this.registry = registry;
        this.addresses = addresses;
        this.sender = sender;
        this.sent = sent;
        this.reports = reports;
        this.deadLetters = deadLetters;
    }

    @Incoming(REPLIES)
    @Blocking
    public void deliver(ConsumerRecord<String, ReplyOutbound> record) {
        ReplyOutbound reply = record.value();
        if (reply == null) {
            // fail-on-deserialization-failure=false hands an undecodable record over as null: dead-letter it
            throw new IllegalArgumentException("Undecodable record on replies.outbound");
        }
        Envelope envelope = reply.getEnvelope();
        Optional<dev.switchboard.gateway.channels.Channel> channel = registry.channel(envelope.getChannel());
        if (channel.isEmpty()) {
            return; // web chat: delivered by the instance its client is connected to
        }
        String tenant = envelope.getTenant();
        Optional<ChannelSettings> settings = registry.settings(tenant, channel.get());
        if (settings.isEmpty()) {
            giveUp(record, 0, "channel-not-configured", envelope.getChannel() + " is not configured for tenant " + tenant);
            return;
        }
        Optional<String> address = addresses.addressOf(tenant, envelope.getChannel(), envelope.getPrincipal().getUser());
        if (address.isEmpty()) {
            giveUp(record, 0, "no-delivery-address", "no " + envelope.getChannel() + " identity of user "
                    + envelope.getPrincipal().getUser());
            return;
        }
        OutboundMessage message = new OutboundMessage(tenant, envelope.getChannel(), address.get(), reply.getText(),
                envelope.getEventId());
        AtomicInteger attempts = new AtomicInteger();
        try {
            String platformMessageId = sender.send(channel.get(), message, settings.get(), attempts);
            sent.remember(tenant, envelope.getChannel(), platformMessageId, reply);
            report(reply, reports.sent(reply, attempts.get(),
                    envelope.getChannel() + " accepted the message as " + platformMessageId));
        } catch (ChannelSender.TransientFailure e) {
            giveUp(record, attempts.get(), "retries-exhausted", e.getMessage());
        } catch (DeliveryException e) {
            giveUp(record, attempts.get(), "refused", e.getMessage());
        }
    }

    private void giveUp(ConsumerRecord<String, ReplyOutbound> record, int attempts, String reason, String cause) {
        ReplyOutbound reply = record.value();
        LOG.warnf("Reply %s not delivered (%s): %s", reply.getEnvelope().getEventId(), reason, cause);
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(CAUSE_HEADER, String.valueOf(cause).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-topic", record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-partition", Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-offset", Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        headers.add("dead-letter-attempts", Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
        // If this fails the record is not acknowledged, and the connector's own dead-letter strategy takes it.
        deadLetters.sendMessageAndAwait(Message.of(reply).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.key()).withHeaders(headers).build()));
        report(reply, reports.failed(reply, attempts, reason + ": " + cause));
    }

    private static void report(ReplyOutbound reply, Uni<Void> publish) {
        // The reply's fate is settled: a lost report must not make it be sent again.
        try {
            publish.await().atMost(REPORT_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Delivery report of reply %s not published", reply.getEnvelope().getEventId());
        }
    }
}
