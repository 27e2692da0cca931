package dev.switchboard.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.LinkCode;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The inbound topology in a {@link TopologyTestDriver}, with the catalog's topics and serdes. */
class InboundTopologyTest {

    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");
    static final String APPLICATION_ID = "gateway-inbound-test";
    static final String STATE_DIR = "target/kafka-streams-test/" + UUID.randomUUID();
    static final String PHONE = "+4915112345678";
    static final String LINK_KEY = "acme/whatsapp/" + PHONE;
    static final String CODE = "7KQ4M-9XPRT";
    static final String CODE_KEY = LinkCodes.key("acme", LinkCodes.sha256Hex(CODE));
    static final SessionIds SESSIONS = ChannelTurnsTest.SESSIONS;
    static final ChannelIdentities IDENTITIES = ChannelTurnsTest.IDENTITIES;
    static final String PSEUDONYM = IDENTITIES.unlinkedUser("acme", "whatsapp", PHONE);

    record Config(Duration dedupeRetention, LinkCodes linkCodes) implements InboundConfig {
        record Codes(Duration ttl, int maxActivePerUser, int maxPerHour, Duration sweepInterval,
                Duration publishTimeout) implements InboundConfig.LinkCodes {
        }
    }

    static final Config CONFIG = new Config(Duration.ofDays(7),
            new Config.Codes(Duration.ofMinutes(10), 3, 5, Duration.ofMinutes(1), Duration.ofSeconds(10)));

    SimpleMeterRegistry registry;
    TopologyTestDriver driver;
    TestInputTopic<String, ChannelMessage> inbound;
    TestInputTopic<String, LinkCode> codesIn;
    TestInputTopic<String, IdentityLink> linksIn;
    TestOutputTopic<String, TurnReceived> turns;
    TestOutputTopic<String, IdentityLink> linksOut;
    TestOutputTopic<String, LinkCode> codesOut;

    @BeforeEach
    void start() {
        registry = new SimpleMeterRegistry();
        driver = newDriver();
    }

    @AfterEach
    void close() {
        driver.close();
    }

    TopologyTestDriver newDriver() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APPLICATION_ID);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, STATE_DIR);
        TopologyTestDriver created = new TopologyTestDriver(new TopologyProducer().topology(CONFIG, registry,
                new ChannelTurns(SESSIONS, IDENTITIES)), props, START);
        inbound = input(created, Topics.CHANNELS_INBOUND);
        codesIn = input(created, Topics.IDENTITY_LINK_CODES);
        linksIn = input(created, Topics.IDENTITY_LINKS);
        turns = output(created, Topics.TURNS_RAW);
        linksOut = output(created, Topics.IDENTITY_LINKS);
        codesOut = output(created, Topics.IDENTITY_LINK_CODES);
        return created;
    }

    // ---- exactly one turn per platform message

    @Test
    void aRedeliveredMessageOpensNoSecondTurn() {
        send("wamid.1", PHONE, "hello");
        send("wamid.1", PHONE, "hello");
        send("wamid.2", PHONE, "and again");

        List<TurnReceived> published = turns.readValuesToList();
        assertThat(published).extracting(TurnReceived::getChannelMessageId).containsExactly("wamid.1", "wamid.2");
        assertThat(registry.counter(DropRedeliveries.REDELIVERIES_METRIC, "channel", "whatsapp").count()).isEqualTo(1.0);
        assertThat(seenAt("whatsapp:wamid.1")).containsExactly(START.toEpochMilli());
    }

    @Test
    void aRedeliveryAfterARestartOpensNoSecondTurn() {
        send("wamid.1", PHONE, "hello");
        assertThat(turns.readValuesToList()).hasSize(1);
        // What the store's changelog holds is what a restarted (or another) instance restores. A window store logs
        // each id as <id bytes><8 bytes first seen><4 bytes sequence number>.
        List<KeyValue<byte[], Long>> changelog = driver.createOutputTopic(
                APPLICATION_ID + "-" + TopologyProducer.SEEN_MESSAGES_STORE + "-changelog",
                Serdes.ByteArray().deserializer(), Serdes.Long().deserializer()).readKeyValuesToList();
        assertThat(changelog).extracting(entry -> windowedKey(entry.key)).containsExactly("whatsapp:wamid.1");

        driver.close();
        driver = newDriver();
        WindowStore<String, Long> restored = driver.getWindowStore(TopologyProducer.SEEN_MESSAGES_STORE);
        changelog.forEach(entry -> restored.put(windowedKey(entry.key), entry.value, windowedTime(entry.key)));

        send("wamid.1", PHONE, "hello");
        send("wamid.3", PHONE, "new");
        assertThat(turns.readValuesToList()).extracting(TurnReceived::getChannelMessageId).containsExactly("wamid.3");
    }

    @Test
    void aRedeliveryWithinTheRetentionIsDropped() {
        send("wamid.1", PHONE, "hello");
        driver.advanceWallClockTime(Duration.ofDays(7).minusMinutes(1));
        send("wamid.1", PHONE, "hello");
        assertThat(turns.readValuesToList()).extracting(TurnReceived::getChannelMessageId).containsExactly("wamid.1");
        assertThat(registry.counter(DropRedeliveries.REDELIVERIES_METRIC, "channel", "whatsapp").count()).isEqualTo(1.0);
    }

    @Test
    void idsAreForgottenAfterTheRetention() {
        send("wamid.1", PHONE, "hello");
        driver.advanceWallClockTime(Duration.ofDays(7).plusHours(1));
        // Any later id moves the store's time on: the first id is out of its retention and no longer held.
        send("wamid.2", PHONE, "later");
        assertThat(seenAt("whatsapp:wamid.1")).isEmpty();
        assertThat(seenAt("whatsapp:wamid.2")).containsExactly(START.plus(Duration.ofDays(7).plusHours(1)).toEpochMilli());

        // A delivery that late is taken as a new message (the documented limit of the retention).
        send("wamid.1", PHONE, "hello");
        assertThat(turns.readValuesToList()).extracting(TurnReceived::getChannelMessageId)
                .containsExactly("wamid.1", "wamid.2", "wamid.1");
    }

    /** When the store holds the id as first seen, over all time. */
    private List<Long> seenAt(String key) {
        WindowStore<String, Long> seen = driver.getWindowStore(TopologyProducer.SEEN_MESSAGES_STORE);
        List<Long> times = new ArrayList<>();
        try (WindowStoreIterator<Long> found = seen.fetch(key, 0L, Long.MAX_VALUE)) {
            found.forEachRemaining(entry -> times.add(entry.key));
        }
        return times;
    }

    private static String windowedKey(byte[] storeKey) {
        return new String(storeKey, 0, storeKey.length - 12, StandardCharsets.UTF_8);
    }

    private static long windowedTime(byte[] storeKey) {
        return ByteBuffer.wrap(storeKey, storeKey.length - 12, 8).getLong();
    }

    // ---- identity resolution

    @Test
    void anUnlinkedPhoneNumberIsAPseudonymousPrincipalWhoseAddressIsRecordedOnce() {
        send("wamid.1", PHONE, "hello");
        TestRecord<String, TurnReceived> turn = turns.readRecord();
        assertThat(turn.key()).isEqualTo(SESSIONS.forPrincipal("acme", PSEUDONYM));
        assertThat(turn.value().getEnvelope().getPrincipal().getUser()).isEqualTo(PSEUDONYM)
                .matches("whatsapp:p-[a-z2-7]{20}");
        assertThat(turn.value().toString()).as("the turn names no digits of the number")
                .doesNotContain(PHONE).doesNotContain(PHONE.substring(5));
        assertThat(turn.value().getEnvelope().getChannel()).isEqualTo("whatsapp");
        assertThat(turn.value().getChannelMessageId()).isEqualTo("wamid.1");

        TestRecord<String, IdentityLink> address = linksOut.readRecord();
        assertThat(address.key()).isEqualTo(ChannelTurns.addressKey("acme", "whatsapp", PHONE));
        assertThat(address.value().getUser()).isEqualTo(PSEUDONYM);
        assertThat(address.value().getChannelUserId()).isEqualTo(PHONE);
        assertThat(linksOut.isEmpty()).isTrue();

        forwardLinks(List.of(KeyValue.pair(address.key(), address.value())));
        send("wamid.2", PHONE, "again");
        assertThat(turns.readRecord().value().getEnvelope().getPrincipal().getUser()).isEqualTo(PSEUDONYM);
        assertThat(linksOut.isEmpty()).as("the address is recorded already").isTrue();
    }

    @Test
    void anOpaqueChannelIdentityIsAPrincipalOfItsOwnUnderItsName() {
        inbound.pipeInput("telegram:1:7", ChannelMessage.newBuilder().setTenant("acme").setChannel("telegram")
                .setChannelUserId("1111111").setPlatformMessageId("1:7").setText("hi").setReceivedAt(START).build());
        assertThat(turns.readRecord().value().getEnvelope().getPrincipal().getUser()).isEqualTo("telegram:1111111");
        assertThat(linksOut.readRecord().key()).isEqualTo(ChannelTurns.addressKey("acme", "telegram", "1111111"));
    }

    @Test
    void aLinkedSenderContinuesTheUsersWebChatSessionUntilTheLinkIsRevoked() {
        issue("ann", START.plus(Duration.ofMinutes(10)));
        send("wamid.1", PHONE, "LINK " + CODE.toLowerCase());
        forwardLinks();

        send("wamid.2", PHONE, "where is my order?");
        TestRecord<String, TurnReceived> turn = turns.readRecord();
        assertThat(turn.key()).isEqualTo(SESSIONS.forPrincipal("acme", "ann"));
        assertThat(turn.value().getEnvelope().getSessionId()).isEqualTo(SESSIONS.forPrincipal("acme", "ann"));
        assertThat(turn.value().getEnvelope().getPrincipal().getUser()).isEqualTo("ann");
        assertThat(turn.value().getEnvelope().getChannel()).isEqualTo("whatsapp");
        assertThat(turn.value().getText()).isEqualTo("where is my order?");

        assertThat(linksOut.isEmpty()).as("a linked sender's address is its link").isTrue();

        linksIn.pipeInput(LINK_KEY, null);
        send("wamid.3", PHONE, "still me?");
        assertThat(turns.readRecord().value().getEnvelope().getPrincipal().getUser()).isEqualTo(PSEUDONYM);
        assertThat(turns.isEmpty()).isTrue();
        assertThat(linksOut.readRecord().value().getUser()).isEqualTo(PSEUDONYM);
    }

    // ---- link codes

    @Test
    void aCodeLinksTheSenderOnceAndOpensNoTurn() {
        issue("ann", START.plus(Duration.ofMinutes(10)));
        send("wamid.1", PHONE, "LINK " + CODE);

        assertThat(turns.isEmpty()).as("a code message is not a turn").isTrue();
        TestRecord<String, IdentityLink> link = linksOut.readRecord();
        assertThat(link.key()).isEqualTo(LINK_KEY);
        assertThat(link.value().getUser()).isEqualTo("ann");
        assertThat(link.value().getChannel()).isEqualTo("whatsapp");
        assertThat(link.value().getChannelUserId()).isEqualTo(PHONE);
        assertThat(link.value().getLinkedAt()).isEqualTo(START);
        TestRecord<String, LinkCode> withdrawn = codesOut.readRecord();
        assertThat(withdrawn.key()).isEqualTo(CODE_KEY);
        assertThat(withdrawn.value()).as("a tombstone").isNull();
        KeyValueStore<String, Long> redeemed = driver.getKeyValueStore(TopologyProducer.REDEEMED_CODES_STORE);
        assertThat(redeemed.get(CODE_KEY)).isEqualTo(START.plus(Duration.ofMinutes(10)).toEpochMilli());

        // The global table may not have seen the tombstone yet: the code is still refused.
        issue("ann", START.plus(Duration.ofMinutes(10)));
        send("wamid.2", "+4915199999999", CODE);
        assertThat(linksOut.isEmpty()).isTrue();
        assertThat(turns.isEmpty()).isTrue();
        assertThat(outcomes("used")).isEqualTo(1.0);
        assertThat(outcomes("linked")).isEqualTo(1.0);
    }

    @Test
    void anExpiredCodeIsRefusedAndWithdrawn() {
        issue("ann", START.plus(Duration.ofMinutes(10)));
        driver.advanceWallClockTime(Duration.ofMinutes(11));
        TestRecord<String, LinkCode> withdrawn = codesOut.readRecord();
        assertThat(withdrawn.key()).isEqualTo(CODE_KEY);
        assertThat(withdrawn.value()).isNull();

        // Even while the global table still holds it.
        issue("ann", START.plus(Duration.ofMinutes(10)));
        send("wamid.1", PHONE, "LINK " + CODE);
        assertThat(linksOut.isEmpty()).isTrue();
        assertThat(turns.isEmpty()).isTrue();
        assertThat(outcomes("expired")).isEqualTo(1.0);
    }

    @Test
    void anUnknownCodeIsRefused() {
        issue("ann", START.plus(Duration.ofMinutes(10)));
        send("wamid.1", PHONE, "LINK 22222-22222");
        assertThat(linksOut.isEmpty()).isTrue();
        assertThat(codesOut.isEmpty()).isTrue();
        assertThat(turns.isEmpty()).isTrue();
        assertThat(outcomes("unknown")).isEqualTo(1.0);
    }

    @Test
    void aCodeOfAnotherTenantIsUnknown() {
        issue("ann", START.plus(Duration.ofMinutes(10)));
        inbound.pipeInput("whatsapp:wamid.1", message("globex", "wamid.1", PHONE, "LINK " + CODE));
        assertThat(linksOut.isEmpty()).isTrue();
        assertThat(outcomes("unknown")).isEqualTo(1.0);
    }

    private void issue(String user, Instant expiresAt) {
        codesIn.pipeInput(CODE_KEY, LinkCode.newBuilder().setTenant("acme").setUser(user)
                .setCodeSha256(LinkCodes.sha256Hex(CODE)).setIssuedAt(START).setExpiresAt(expiresAt).build());
    }

    /** Delivers what the topology wrote to identity.links to its global table, as the broker would. */
    private void forwardLinks() {
        forwardLinks(linksOut.readKeyValuesToList());
    }

    private void forwardLinks(List<KeyValue<String, IdentityLink>> links) {
        links.forEach(link -> linksIn.pipeInput(link.key, link.value));
    }

    private void send(String platformMessageId, String from, String text) {
        inbound.pipeInput("whatsapp:" + platformMessageId, message("acme", platformMessageId, from, text));
    }

    private static ChannelMessage message(String tenant, String platformMessageId, String from, String text) {
        return ChannelMessage.newBuilder().setTenant(tenant).setChannel("whatsapp").setChannelUserId(from)
                .setPlatformMessageId(platformMessageId).setText(text).setReceivedAt(START).build();
    }

    private double outcomes(String outcome) {
        return registry.counter(RedeemLinkCode.OUTCOMES_METRIC, "outcome", outcome).count();
    }

    private static <V> TestInputTopic<String, V> input(TopologyTestDriver driver, Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static <V> TestOutputTopic<String, V> output(TopologyTestDriver driver, Topic<String, V> topic) {
        return driver.createOutputTopic(topic.name(), topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    }
}
