package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.faulttolerance.Asynchronous;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.jboss.logging.Logger;

import dev.switchboard.gateway.channels.Channel;
import dev.switchboard.gateway.channels.ChannelSettings;
import dev.switchboard.gateway.channels.DeliveryException;
import dev.switchboard.gateway.channels.OutboundMessage;
import io.smallrye.faulttolerance.api.CustomBackoff;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;

/**
 * Calls a channel's send API, retrying transient failures (5xx, 429, timeouts) with exponential backoff,
 * or the platform's {@code Retry-After} when it gives one. Permanent failures are not retried.
 *
 * <p>Asynchronous: each attempt runs on a worker thread, and the wait before a retry holds no thread at all
 * (SmallRye's timer schedules the next attempt), so a reply being retried delays only its own session.
 *
 * <p>The retry policy is SmallRye Fault Tolerance's and can be tuned without a rebuild, e.g.
 * {@code quarkus.fault-tolerance."dev.switchboard.gateway.channels.messaging.ChannelSender/send".retry.max-retries=6}.
 * When the retries of a reply are exhausted while its platform takes no messages at all, {@link ChannelReplyConsumer}
 * tries again later ({@code channel-delivery.outage-retry-interval}) instead of giving up.
 */
@ApplicationScoped
public class ChannelSender {

    private static final Logger LOG = Logger.getLogger(ChannelSender.class);

    /**
     * Sends the message.
     *
     * @param attempts counts the calls made, retries included
     * @return completes with the platform's id of the sent message; fails with {@link TransientFailure} when the
     *         last attempt failed transiently, with {@link DeliveryException} when the platform refused the message
     *         for good
     */
    @Asynchronous
    @Retry(maxRetries = 4, delay = 500, jitter = 100, maxDuration = 30_000, retryOn = TransientFailure.class)
    @CustomBackoff(RetryAfterBackoff.class)
    public CompletionStage<String> send(Channel channel, OutboundMessage message, ChannelSettings settings,
            AtomicInteger attempts) throws DeliveryException {
        int attempt = attempts.incrementAndGet();
        try {
            return CompletableFuture.completedFuture(channel.deliver(message, settings));
        } catch (DeliveryException e) {
            if (!e.isTransient()) {
                throw e;
            }
            LOG.warnf("Attempt %d to deliver reply %s on %s failed: %s", attempt, message.replyEventId(),
                    message.channel(), e.getMessage());
            throw new TransientFailure(e);
        }
    }

    /** A failure worth another attempt. */
    public static class TransientFailure extends RuntimeException {

        TransientFailure(DeliveryException cause) {
            super(cause.getMessage(), cause);
        }

        Duration retryAfter() {
            return ((DeliveryException) getCause()).retryAfter();
        }
    }

    /**
     * Doubles the delay after each attempt, up to {@link #MAX_DELAY}, except after a 429 with a
     * {@code Retry-After}, which is waited instead. One instance per guarded call.
     */
    public static class RetryAfterBackoff implements CustomBackoffStrategy {

        static final long MAX_DELAY = 8_000;

        private long next;

        @Override
        public void init(long initialDelayInMillis) {
            next = initialDelayInMillis;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            if (cause instanceof TransientFailure failure && failure.retryAfter() != null) {
                return failure.retryAfter().toMillis();
            }
            long delay = next;
            next = Math.min(next * 2, MAX_DELAY);
            return delay;
        }
    }
}
