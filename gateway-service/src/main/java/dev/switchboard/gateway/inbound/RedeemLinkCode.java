package dev.switchboard.gateway.inbound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.jboss.logging.Logger;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.LinkCode;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Redeems link codes sent from a channel, keyed by {@code <tenant>/<SHA-256 of the code>} so that every
 * attempt on one code is decided by one task. The outstanding codes come from the global copy of
 * {@code identity.link-codes}; the codes redeemed here are remembered in a store of this task until they
 * expire, which makes a code single-use even before its tombstone has come back through the global table.
 * A redeemed code yields an {@link IdentityLink} for {@code identity.links} and a tombstone for
 * {@code identity.link-codes}, in one transaction.
 *
 * <p>The task of partition 0 also withdraws expired codes (tombstones), so that the compacted topic holds
 * only outstanding codes.
 */
final class RedeemLinkCode implements Processor<String, ChannelMessage, String, RedeemLinkCode.Redemption> {

    static final String OUTCOMES_METRIC = "switchboard.gateway.inbound.link-codes";

    private static final Logger LOG = Logger.getLogger(RedeemLinkCode.class);

    /** What to publish: a tombstone for {@code codeKey}, and the new link when the code was redeemed. Never serialized. */
    record Redemption(String codeKey, IdentityLink link) {
    }

    enum Outcome {
        LINKED, UNKNOWN, EXPIRED, USED
    }

    private final Duration sweepInterval;
    private final MeterRegistry registry;
    private ProcessorContext<String, Redemption> context;
    private TimestampedKeyValueStore<String, LinkCode> codes;
    private KeyValueStore<String, Long> redeemed;

    RedeemLinkCode(Duration sweepInterval, MeterRegistry registry) {
        this.sweepInterval = sweepInterval;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<String, Redemption> context) {
        this.context = context;
        this.codes = context.getStateStore(TopologyProducer.LINK_CODES_STORE);
        this.redeemed = context.getStateStore(TopologyProducer.REDEEMED_CODES_STORE);
        context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, ChannelMessage> record) {
        ChannelMessage message = record.value();
        long now = context.currentSystemTimeMs();
        LinkCode code = ValueAndTimestamp.getValueOrNull(codes.get(record.key()));
        Outcome outcome;
        if (code == null) {
            outcome = Outcome.UNKNOWN;
        } else if (redeemed.get(record.key()) != null) {
            outcome = Outcome.USED;
        } else if (!code.getExpiresAt().isAfter(Instant.ofEpochMilli(now))) {
            outcome = Outcome.EXPIRED;
        } else {
            outcome = Outcome.LINKED;
            redeemed.put(record.key(), code.getExpiresAt().toEpochMilli());
            IdentityLink link = IdentityLink.newBuilder()
                    .setTenant(message.getTenant())
                    .setChannel(message.getChannel())
                    .setChannelUserId(message.getChannelUserId())
                    .setUser(code.getUser())
                    .setLinkedAt(Instant.ofEpochMilli(now))
                    .build();
            context.forward(record.withValue(new Redemption(record.key(), link)));
        }
        registry.counter(OUTCOMES_METRIC, "outcome", outcome.name().toLowerCase(Locale.ROOT)).increment();
        // Neither the code nor its digest is logged (the digest of a live code is as good as the code here), nor
        // the sender, who may be a phone number.
        LOG.infof("Link code from %s of tenant %s: %s", message.getChannel(), message.getTenant(), outcome);
    }

    private void sweep(long now) {
        List<String> forgotten = new ArrayList<>();
        try (KeyValueIterator<String, Long> all = redeemed.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                if (entry.value <= now) {
                    forgotten.add(entry.key);
                }
            }
        }
        forgotten.forEach(redeemed::delete);

        if (context.taskId().partition() != 0) {
            return;
        }
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<LinkCode>> all = codes.all()) {
            while (all.hasNext()) {
                KeyValue<String, ValueAndTimestamp<LinkCode>> entry = all.next();
                LinkCode code = ValueAndTimestamp.getValueOrNull(entry.value);
                if (code != null && code.getExpiresAt().toEpochMilli() <= now) {
                    expired.add(entry.key);
                }
            }
        }
        expired.forEach(key -> context.forward(new Record<>(key, new Redemption(key, null), now)));
    }
}
