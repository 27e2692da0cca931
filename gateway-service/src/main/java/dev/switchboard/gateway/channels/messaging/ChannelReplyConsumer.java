package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

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
import dev.switchboard.gateway.channels.config.ChannelDeliveryConfig;
import dev.switchboard.schemas.DeadLetters;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;

/**
 * Delivers replies on messaging channels: reads {@code replies.outbound} in the consumer group
 * {@code switchboard-gateway-delivery}, shared by all instances, so that each reply is sent by exactly one
 * of them, and skips replies for channels that are not messaging platforms (web chat). Each reply gets a
 * {@code DeliveryReport} on {@code deliveries}; a reply that cannot be sent (no address, channel not
 * configured for the tenant, refused, or still failing after the last retry) goes to {@code deadletters}
 * with headers naming the reason. A platform that takes no messages at all (an outage, {@link ChannelAvailability})
 * does not make its replies dead letters: each waits and is tried again until the platform is back.
 *
 * <p>Replies of different sessions are delivered at the same time, across tenants and channels; the replies of
 * one session (the record key) one after the other, in the order they were written ({@link SessionOrder}). A
 * reply waiting for a slow platform or for its next retry holds back only the later replies of its own session.
 * At most {@code switchboard.gateway.channel-delivery.max-in-flight} replies are being delivered at once.
 *
 * <p>At least once: a reply is acknowledged once it is settled (sent and reported, or dead-lettered), and the
 * connector commits an offset only when every reply before it in the partition is acknowledged, so a crash or a
 * rebalance sends again, in order, what was not settled (and possibly a reply that was sent but not yet
 * acknowledged). A reply whose settling fails (a dead letter that cannot be written, an undecodable record) is
 * nacked and taken by the connector's dead-letter strategy.
 */
@ApplicationScoped
public class ChannelReplyConsumer {

    public static final String REPLIES = "replies-outbound-channels";
    public static final String DEAD_LETTERS = "deadletters";
    public static final String REASON_HEADER = DeadLetters.REASON;
    public static final String CAUSE_HEADER = "dead-letter-cause";

    private static final Duration REPORT_TIMEOUT = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(ChannelReplyConsumer.class);

    private final ChannelRegistry registry;
    private final DeliveryAddressBook addresses;
    private final ChannelSender sender;
    private final SentMessages sent;
    private final ChannelDeliveryReports reports;
    private final MutinyEmitter<ReplyOutbound> deadLetters;
    private final ExecutorService executor;
    private final SessionOrder sessions;
    private final InFlightLimit inFlight;
    private final ChannelAvailability availability;
    private final Duration outageRetryInterval;

    ChannelReplyConsumer(ChannelRegistry registry, DeliveryAddressBook addresses, ChannelSender sender,
            SentMessages sent, ChannelDeliveryReports reports,
            @Channel(DEAD_LETTERS) MutinyEmitter<ReplyOutbound> deadLetters, ChannelDeliveryConfig config,
            ChannelAvailability availability) {
        this.registry = registry;
        this.addresses = addresses;
        this.sender = sender;
        this.sent = sent;
        this.reports = reports;
        this.deadLetters = deadLetters;
        AtomicInteger threads = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(Math.max(1, config.concurrency()), task -> {
            Thread thread = new Thread(task, "channel-delivery-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.sessions = new SessionOrder(executor);
        this.inFlight = new InFlightLimit(config.maxInFlight());
        this.availability = availability;
        this.outageRetryInterval = config.outageRetryInterval();
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    /**
     * Takes a reply into delivery. The returned stage completes when the reply is accepted (the connector then
     * hands over the next one), not when it is delivered; the reply is acknowledged when it is settled.
     */
    @Incoming(REPLIES)
    public CompletionStage<Void> deliver(KafkaRecord<String, ReplyOutbound> record) {
        ReplyOutbound reply = record.getPayload();
        if (reply == null) {
            // fail-on-deserialization-failure=false hands an undecodable record over as null: dead-letter it
            return record.nack(new IllegalArgumentException("Undecodable record on replies.outbound"));
        }
        String session = record.getKey() != null ? record.getKey() : reply.getEnvelope().getSessionId();
        return inFlight.acquire().thenRun(() -> sessions.submit(session, () -> deliverNow(record))
                .whenComplete((ignored, failure) -> {
                    inFlight.release();
                    if (failure == null) {
                        record.ack();
                    } else {
                        record.nack(unwrap(failure));
                    }
                }));
    }

    /** Replies being delivered on this instance (accepted, not yet settled). */
    public int inFlight() {
        return inFlight.inFlight();
    }

    /** Delivers one reply, on a delivery thread, once its session's earlier replies are settled. */
    private CompletionStage<Void> deliverNow(KafkaRecord<String, ReplyOutbound> record) {
        Instant since = Instant.now();
        ReplyOutbound reply = record.getPayload();
        Envelope envelope = reply.getEnvelope();
        Optional<dev.switchboard.gateway.channels.Channel> channel = registry.channel(envelope.getChannel());
        if (channel.isEmpty()) {
            return CompletableFuture.completedFuture(null); // web chat: delivered by the instance its client is connected to
        }
        String tenant = envelope.getTenant();
        Optional<ChannelSettings> settings = registry.settings(tenant, channel.get());
        if (settings.isEmpty()) {
            giveUp(record, 0, "channel-not-configured", envelope.getChannel() + " is not configured for tenant " + tenant);
            return CompletableFuture.completedFuture(null);
        }
        Optional<String> address = addresses.addressOf(tenant, envelope.getChannel(), envelope.getPrincipal().getUser());
        if (address.isEmpty()) {
            giveUp(record, 0, "no-delivery-address", "no " + envelope.getChannel() + " identity of user "
                    + envelope.getPrincipal().getUser());
            return CompletableFuture.completedFuture(null);
        }
        OutboundMessage message = new OutboundMessage(tenant, envelope.getChannel(), address.get(), reply.getText(),
                envelope.getEventId());
        AtomicInteger attempts = new AtomicInteger();
        CompletionStage<String> sending = send(channel.get(), message, settings.get(), attempts, since);
        // Settled on a delivery thread: reports and dead letters wait for the broker.
        return sending.handleAsync((platformMessageId, failure) -> {
            if (failure == null) {
                availability.reached(envelope.getChannel());
                sent.remember(tenant, envelope.getChannel(), platformMessageId, reply);
                report(reply, reports.sent(reply, attempts.get(),
                        envelope.getChannel() + " accepted the message as " + platformMessageId));
                return null;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof ChannelSender.TransientFailure) {
                giveUp(record, attempts.get(), "retries-exhausted", cause.getMessage());
            } else if (cause instanceof DeliveryException) {
                availability.reached(envelope.getChannel()); // the platform answered: up, it refused this one
                giveUp(record, attempts.get(), "refused", cause.getMessage());
            } else {
                // not a platform's answer (a fault-tolerance limit, a bug): the platform may not have the message
                giveUp(record, attempts.get(), "retries-exhausted", String.valueOf(cause));
            }
            return null;
        }, executor);
    }

    /**
     * Sends with the sender's retries. When they are exhausted and the channel delivered nothing else since the reply
     * was taken into delivery ({@code since}), the platform is taken to be down: the reply waits
     * {@code outage-retry-interval} and is tried again, without end, instead of becoming a dead letter. When the
     * channel delivered others meanwhile, the failure is this reply's and the caller dead-letters it.
     */
    private CompletionStage<String> send(dev.switchboard.gateway.channels.Channel channel, OutboundMessage message,
            ChannelSettings settings, AtomicInteger attempts, Instant since) {
        CompletionStage<String> sending;
        try {
            sending = sender.send(channel, message, settings, attempts);
        } catch (DeliveryException e) {
            return CompletableFuture.failedFuture(e);
        }
        return sending.exceptionallyCompose(failure -> {
            Throwable cause = unwrap(failure);
            if (cause instanceof ChannelSender.TransientFailure
                    && availability.failed(message.channel(), since, cause.getMessage())) {
                LOG.warnf("%s takes no messages (%s): reply %s waits %d ms and is tried again", message.channel(),
                        cause.getMessage(), message.replyEventId(), outageRetryInterval.toMillis());
                Executor later = CompletableFuture.delayedExecutor(outageRetryInterval.toMillis(),
                        TimeUnit.MILLISECONDS, executor);
                return CompletableFuture.runAsync(() -> { }, later)
                        .thenCompose(ignored -> send(channel, message, settings, attempts, since));
            }
            return CompletableFuture.failedStage(failure);
        });
    }

    private void giveUp(KafkaRecord<String, ReplyOutbound> record, int attempts, String reason, String cause) {
        ReplyOutbound reply = record.getPayload();
        LOG.warnf("Reply %s not delivered (%s): %s", reply.getEnvelope().getEventId(), reason, cause);
        RecordHeaders headers = new RecordHeaders();
        long offset = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getOffset).orElse(-1L);
        DeadLetters.addSource(headers, reason, record.getTopic(), record.getPartition(), offset);
        DeadLetters.add(headers, CAUSE_HEADER, String.valueOf(cause));
        DeadLetters.add(headers, "dead-letter-attempts", Integer.toString(attempts));
        DeadLetters.addTenant(headers, reply.getEnvelope().getTenant());
        // If this fails the record is nacked, and the connector's own dead-letter strategy takes it.
        deadLetters.sendMessageAndAwait(Message.of(reply).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.getKey()).withHeaders(headers).build()));
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

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
