package dev.switchboard.gateway.inbound;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.GlobalKTable;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.LinkCode;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.runtime.streams.Topologies;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The gateway's inbound topology, run with exactly-once v2: exactly one turn per platform message.
 *
 * <p>Reads {@code channels.inbound} (keyed {@code <channel>:<platformMessageId>}) and drops redeliveries.
 * A message that is a link code is re-keyed by the code's digest (repartition {@code link-code-attempts})
 * and redeemed against {@code identity.link-codes}, read as a global table: it writes an
 * {@link IdentityLink} to {@code identity.links} and a tombstone to {@code identity.link-codes}, and opens
 * no turn. Every other message is resolved to its principal through {@code identity.links}, read as a
 * global table, and written as a {@code TurnReceived} to {@code turns.raw}, keyed by session id; the address of
 * a sender that is not linked is recorded on {@code identity.links} ({@link ChannelTurns#addressKey}), for delivery.
 */
@ApplicationScoped
public class TopologyProducer {

    /**
     * Platform message ids already let through, in a window store keyed by id at the wall-clock time they were
     * first seen; retention = {@code dedupe-retention}. (It replaced the key-value store
     * {@code seen-channel-messages}, whose ids were purged by scanning it.)
     */
    public static final String SEEN_MESSAGES_STORE = "seen-channel-message-ids";
    /** Outstanding link codes by {@code <tenant>/<sha256>}, on every instance. */
    public static final String LINK_CODES_STORE = "identity-link-codes";
    /** Codes redeemed by this task, with their expiry, by {@code <tenant>/<sha256>}. */
    public static final String REDEEMED_CODES_STORE = "redeemed-link-codes";
    /** Channel identities linked to users by {@code <tenant>/<channel>/<channelUserId>}, on every instance. */
    public static final String IDENTITY_LINKS_STORE = "identity-links";
    /** The repartition of link code attempts by code digest. */
    static final String LINK_CODE_ATTEMPTS = "link-code-attempts";

    /** What one message needs to become a turn: its sender's link and recorded address, each possibly null. */
    record Sender(ChannelMessage message, IdentityLink link, IdentityLink recordedAddress) {
    }

    /** A stream thread that dies is replaced, not left dead (the runtime's failure policy). */
    @Produces
    @ApplicationScoped
    public StreamsUncaughtExceptionHandler replaceFailedThread() {
        return Topologies.replaceFailedThread();
    }

    @Produces
    public Topology topology(InboundConfig config, MeterRegistry registry, ChannelTurns turns) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<String> keys = Serdes.String();

        GlobalKTable<String, IdentityLink> links = globalTable(builder, Topics.IDENTITY_LINKS, IDENTITY_LINKS_STORE);
        globalTable(builder, Topics.IDENTITY_LINK_CODES, LINK_CODES_STORE);
        builder.addStateStore(seenMessagesStore(config.dedupeRetention()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(REDEEMED_CODES_STORE), keys, Serdes.Long()));

        KStream<String, ChannelMessage> firstDeliveries = builder
                .stream(Topics.CHANNELS_INBOUND.name(), consumed(Topics.CHANNELS_INBOUND))
                .process(() -> new DropRedeliveries(config.dedupeRetention(), registry),
                        Named.as("drop-redeliveries"), SEEN_MESSAGES_STORE);

        firstDeliveries.split(Named.as("inbound-"))
                .branch((key, message) -> LinkCodes.parse(message.getText()).isPresent(),
                        Branched.withConsumer(codes -> redeem(codes, config, registry), "link-codes"))
                .defaultBranch(Branched.withConsumer(messages -> resolve(messages, links, turns), "messages"));

        return Topologies.build(builder);
    }

    /**
     * The seen ids: a window store with one entry per id (no duplicates), kept for {@code retention}. Its segments
     * (each half the retention) are dropped whole once all their ids are older than the retention, so forgetting
     * ids costs no per-id deletes; the changelog is {@code compact,delete} with the same retention plus a day.
     */
    static StoreBuilder<WindowStore<String, Long>> seenMessagesStore(Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SEEN_MESSAGES_STORE, retention, Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long());
    }

    /**
     * Resolves each message to its principal through the links (and the recorded address of an unlinked
     * sender), writes its turn, and records the address of an unlinked sender whose address is not recorded
     * yet, in the same transaction as the turn: by the time its reply exists, the address is on the topic.
     */
    private static void resolve(KStream<String, ChannelMessage> messages, GlobalKTable<String, IdentityLink> links,
            ChannelTurns turns) {
        KStream<String, Sender> senders = messages
                .leftJoin(links,
                        (key, message) -> ChannelTurns.linkKey(message.getTenant(), message.getChannel(),
                                message.getChannelUserId()),
                        (message, link) -> new Sender(message, link, null),
                        Named.as("resolve-principal"))
                .leftJoin(links,
                        (key, sender) -> ChannelTurns.addressKey(sender.message().getTenant(),
                                sender.message().getChannel(), sender.message().getChannelUserId()),
                        (sender, address) -> new Sender(sender.message(), sender.link(), address),
                        Named.as("find-recorded-address"));
        senders
                .map((key, sender) -> {
                    TurnReceived turn = turns.received(key, sender.message(), sender.link());
                    return KeyValue.pair(turn.getEnvelope().getSessionId(), turn);
                }, Named.as("turn-by-session"))
                .to(Topics.TURNS_RAW.name(), produced(Topics.TURNS_RAW));
        senders
                .mapValues(sender -> turns.addressToRecord(sender.message(), sender.link(), sender.recordedAddress()),
                        Named.as("address-to-record"))
                .filter((key, address) -> address != null, Named.as("unrecorded-addresses"))
                .selectKey((key, address) -> ChannelTurns.addressKey(address.getTenant(), address.getChannel(),
                        address.getChannelUserId()), Named.as("key-by-address"))
                .to(Topics.IDENTITY_LINKS.name(), produced(Topics.IDENTITY_LINKS));
    }

    private static void redeem(KStream<String, ChannelMessage> attempts, InboundConfig config, MeterRegistry registry) {
        KStream<String, RedeemLinkCode.Redemption> redemptions = attempts
                .selectKey((key, message) -> LinkCodes.key(message.getTenant(),
                        LinkCodes.sha256Hex(LinkCodes.parse(message.getText()).orElseThrow())), Named.as("key-by-code"))
                .repartition(Repartitioned.<String, ChannelMessage>as(LINK_CODE_ATTEMPTS)
                        .withKeySerde(Topics.CHANNELS_INBOUND.keySerde())
                        .withValueSerde(Topics.CHANNELS_INBOUND.valueSerde()))
                .process(() -> new RedeemLinkCode(config.linkCodes().sweepInterval(), registry),
                        Named.as("redeem-link-code"), REDEEMED_CODES_STORE);

        redemptions
                .filter((key, redemption) -> redemption.link() != null, Named.as("redeemed"))
                .map((key, redemption) -> {
                    IdentityLink link = redemption.link();
                    return KeyValue.pair(ChannelTurns.linkKey(link.getTenant(), link.getChannel(),
                            link.getChannelUserId()), link);
                }, Named.as("key-by-identity"))
                .to(Topics.IDENTITY_LINKS.name(), produced(Topics.IDENTITY_LINKS));
        redemptions
                .map((key, redemption) -> KeyValue.pair(redemption.codeKey(), (LinkCode) null), Named.as("withdraw-code"))
                .to(Topics.IDENTITY_LINK_CODES.name(), produced(Topics.IDENTITY_LINK_CODES));
    }

    private static <V> GlobalKTable<String, V> globalTable(StreamsBuilder builder, Topic<String, V> topic, String store) {
        return builder.globalTable(topic.name(), consumed(topic),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }

    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
        return Consumed.with(topic.keySerde(), topic.valueSerde());
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde());
    }
}
