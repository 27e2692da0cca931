package dev.switchboard.supervisor.streams;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.streams.processor.StreamPartitioner;

import dev.switchboard.events.ReplyOutbound;

/**
 * Where a reply goes on {@code replies.routed}: one copy to each partition its envelope's {@code replyTo} names,
 * the slots of the gateway instances that hold a waiting request or an open stream of the turn's session. The
 * slots come from the turn the gateway published (copied into every envelope derived from it), never from an
 * agent: a reply is built from the task the supervisor stored. A slot beyond the topic's partitions (an instance
 * configured with more slots than the topic has) is left out; no slot at all sends nothing.
 */
final class ReplySlots implements StreamPartitioner<String, ReplyOutbound> {

    @Override
    public Optional<Set<Integer>> partitions(String topic, String session, ReplyOutbound reply, int partitions) {
        Set<Integer> slots = new TreeSet<>();
        for (Integer slot : reply.getEnvelope().getReplyTo()) {
            if (slot != null && slot >= 0 && slot < partitions) {
                slots.add(slot);
            }
        }
        return Optional.of(slots);
    }
}
