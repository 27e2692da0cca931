package dev.switchboard.compliance.messaging;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;

/**
 * The consumer group generation each raw channel's consumer is in, recorded as each of its rebalances completes (on the
 * polling thread; {@code onPartitionsAssigned} is called after every rebalance, also when nothing new was assigned).
 * {@link ComplianceConsumer} asks it whether a batch's generation is still the current one: no round trip to the
 * polling thread per batch.
 */
@ApplicationScoped
@Identifier(RawGroupGenerations.NAME)
public class RawGroupGenerations implements KafkaConsumerRebalanceListener {

    /** The listener's name in the channels' {@code consumer-rebalance-listener.name}. */
    public static final String NAME = "compliance-raw-group-generations";

    private final Map<String, Integer> generations = new ConcurrentHashMap<>();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        generations.put(consumer.groupMetadata().groupId(), consumer.groupMetadata().generationId());
    }

    /** Whether the group has completed a rebalance since {@code generation}, the one a batch was polled in. */
    boolean movedOnFrom(String group, int generation) {
        Integer current = generations.get(group);
        return current != null && current != generation;
    }
}
