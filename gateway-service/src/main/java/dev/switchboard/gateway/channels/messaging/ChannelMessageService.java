package dev.switchboard.gateway.channels.messaging;

import java.time.Instant;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.gateway.Traceparent;
import dev.switchboard.gateway.channels.UserMessage;
import dev.switchboard.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes verified user messages from messaging platforms to {@code channels.inbound}, keyed by
 * {@code <channel>:<platform message id>} so that a redelivered webhook lands on the same partition as the
 * first delivery and is dropped there. A publish completes only once the broker has acknowledged every
 * record ({@code acks=all}); only then is the platform told the webhook was received, so a failure here
 * makes the platform send it again.
 */
@ApplicationScoped
public class ChannelMessageService {

    public static final String CHANNELS_INBOUND = "channels-inbound";

    private final MutinyEmitter<Record<String, ChannelMessage>> inbound;
    private final GatewayConfig config;

    ChannelMessageService(@Channel(CHANNELS_INBOUND) MutinyEmitter<Record<String, ChannelMessage>> inbound,
            GatewayConfig config) {
        this.inbound = inbound;
        this.config = config;
    }

    /** The record key of a message on {@code channels.inbound}. */
    public static String key(String channel, String platformMessageId) {
        return channel + ":" + platformMessageId;
    }

    /**
     * Publishes the messages and completes when the broker has acknowledged all of them, or fails after
     * {@code switchboard.gateway.publish-timeout}.
     */
    public Uni<Void> publish(String tenant, String channel, List<UserMessage> messages, String traceparent) {
        if (messages.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        Instant receivedAt = Instant.now();
        List<Uni<Void>> sends = messages.stream()
                .map(message -> Uni.createFrom().deferred(() -> inbound.send(Record.of(
                        key(channel, message.platformMessageId()),
                        toEvent(tenant, channel, message, receivedAt, traceparent)))))
                .toList();
        return Uni.join().all(sends).andFailFast()
                .ifNoItem().after(config.publishTimeout())
                .failWith(() -> new IllegalStateException("the broker did not acknowledge within "
                        + config.publishTimeout().toSeconds() + " s"))
                .replaceWithVoid();
    }

    static ChannelMessage toEvent(String tenant, String channel, UserMessage message, Instant receivedAt,
            String traceparent) {
        return ChannelMessage.newBuilder()
                .setTenant(tenant)
                .setChannel(channel)
                .setChannelUserId(message.channelUserId())
                .setPlatformMessageId(message.platformMessageId())
                .setText(message.text())
                .setReceivedAt(receivedAt)
                .setReplyAddress(message.replyAddress())
                .setTraceparent(traceparent != null ? traceparent : Traceparent.generate())
                .build();
    }
}
