package dev.switchboard.gateway.inbound;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;

import dev.switchboard.events.ChannelMessage;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Lets the first delivery of each platform message through and drops its redeliveries. The key on
 * {@code channels.inbound}, {@code <channel>:<platformMessageId>}, decides the partition, so every delivery
 * of a message meets the same store, whichever gateway instance received the webhook. The store is
 * changelogged and updated in the same transaction as the output (exactly-once), so this also holds across
 * restarts and when a partition moves to another instance. Ids are remembered for the configured retention,
 * measured on the wall clock from the first delivery.
 */
final class DropRedeliveries implements Processor<String, ChannelMessage, String, ChannelMessage> {

    static final String REDELIVERIES_METRIC = "switchboard.gateway.inbound.redeliveries";

    private static final Logger LOG = Logger.getLogger(DropRedeliveries.class);

    private final Duration retention;
    private final Duration purgeInterval;
    private final MeterRegistry registry;
    private ProcessorContext<String, ChannelMessage> context;
    private KeyValueStore<String, Long> seen;

    DropRedeliveries(Duration retention, Duration purgeInterval, MeterRegistry registry) {
        this.retention = retention;
        this.purgeInterval = purgeInterval;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, ChannelMessage> context) {
        this.context = context;
        this.seen = context.getStateStore(TopologyProducer.SEEN_MESSAGES_STORE);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    @Override
    public void process(Record<String, ChannelMessage> record) {
        ChannelMessage message = record.value();
        if (record.key() == null || message == null) {
            LOG.warnf("Dropped a record of %s without key or value", "channels.inbound");
            return;
        }
        if (seen.get(record.key()) != null) {
            registry.counter(REDELIVERIES_METRIC, "channel", message.getChannel()).increment();
            LOG.debugf("Dropped redelivered message %s", record.key());
            return;
        }
        seen.put(record.key(), context.currentSystemTimeMs());
        context.forward(record);
    }

    private void purge(long now) {
        long oldest = now - retention.toMillis();
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = seen.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (entry.value < oldest) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(seen::delete);
    }
}
