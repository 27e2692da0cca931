package dev.switchboard.gateway.messaging;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The partitions of {@code replies.outbound} this instance reads, counted only once the consumer's
 * position on each is fixed. With {@code auto.offset.reset=latest} a reply written before that moment
 * would be skipped, so until then the instance is not ready to promise a waiting client its reply.
 */
@ApplicationScoped
@Identifier(ReplyPartitions.NAME)
public class ReplyPartitions implements KafkaConsumerRebalanceListener {

    /** Referenced by {@code mp.messaging.incoming.replies-outbound.consumer-rebalance-listener.name}. */
    public static final String NAME = "replies-outbound-partitions";

    private final Set<TopicPartition> positioned = ConcurrentHashMap.newKeySet();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // position() resolves "latest" now, on the polling thread, instead of lazily at the next fetch.
        partitions.forEach(consumer::position);
        positioned.addAll(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        positioned.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        positioned.removeAll(partitions);
    }

    /** How many partitions are assigned and positioned. */
    public int count() {
        return positioned.size();
    }
}
