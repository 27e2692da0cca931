package dev.switchboard.gateway.inbound;

import java.time.Duration;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.jboss.logging.Logger;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.runtime.streams.PromptCommits;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lets the first delivery of each platform message through and drops its redeliveries. The key on
 * {@code channels.inbound}, {@code <channel>:<platformMessageId>}, decides the partition, so every delivery
 * of a message meets the same store, whichever gateway instance received the webhook. The store is
 * changelogged and updated in the same transaction as the output (exactly-once), so this also holds across
 * restarts and when a partition moves to another instance.
 *
 * <p>Ids are remembered for the configured retention, measured on the wall clock from the first delivery. The
 * store is a window store whose retention is that retention: an id is looked up only within
 * {@code [now - retention, now]}, and Kafka Streams drops whole time segments of older ids (and the broker the
 * changelog's old segments, {@code compact,delete}) as new ids arrive. Nothing scans or deletes ids one by one.
 */
final class DropRedeliveries implements Processor<String, ChannelMessage, String, ChannelMessage> {

    static final String REDELIVERIES_METRIC = "switchboard.gateway.inbound.redeliveries";

    private static final Logger LOG = Logger.getLogger(DropRedeliveries.class);

    private final Duration retention;
    private final MeterRegistry registry;
    private ProcessorContext<String, ChannelMessage> context;
    private WindowStore<String, Long> seen;

    DropRedeliveries(Duration retention, MeterRegistry registry) {
        this.retention = retention;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, ChannelMessage> context) {
        this.context = context;
        this.seen = context.getStateStore(TopologyProducer.SEEN_MESSAGES_STORE);
    }

    @Override
    public void process(Record<String, ChannelMessage> record) {
        // A platform message becomes a turn a user waits for: commit at once while traffic is light.
        PromptCommits.requested(context);
        ChannelMessage message = record.value();
        if (record.key() == null || message == null) {
            LOG.warnf("Dropped a record of %s without key or value", "channels.inbound");
            return;
        }
        long now = context.currentSystemTimeMs();
        if (seenWithinRetention(record.key(), now)) {
            registry.counter(REDELIVERIES_METRIC, "channel", message.getChannel()).increment();
            LOG.debugf("Dropped redelivered message %s", record.key());
            return;
        }
        seen.put(record.key(), now, now);
        context.forward(record);
    }

    private boolean seenWithinRetention(String key, long now) {
        try (WindowStoreIterator<Long> found = seen.fetch(key, now - retention.toMillis(), now)) {
            return found.hasNext();
        }
    }
}
