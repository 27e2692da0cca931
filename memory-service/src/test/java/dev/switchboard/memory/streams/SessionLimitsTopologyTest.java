package dev.switchboard.memory.streams;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.stream.IntStream;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.memory.FactExtractor;
import dev.switchboard.memory.SessionFold;
import dev.switchboard.memory.Summarizer;
import dev.switchboard.memory.TestEvents;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/** The byte limit of a state and the expiry of idle sessions, through the production topology. */
class SessionLimitsTopologyTest {

    private static final Instant START = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration IDLE = Duration.ofHours(24);
    private static final Duration INTERVAL = Duration.ofMinutes(1);
    /** Past the expiry for activity at the driver's start: one bucket and one sweep interval later at most. */
    private static final Duration PAST_EXPIRY = IDLE.plus(INTERVAL).plus(INTERVAL);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, TurnReceived> turns;
    private TestInputTopic<String, ReplyOutbound> replies;
    private TestOutputTopic<String, SessionState> states;
    private KeyValueStore<String, SessionState> store;

    private void start(int recentMessages, SessionLimits limits) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "switchboard-memory-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Summarizer summarizer = new Summarizer(SessionFold.DEFAULT_SUMMARY_CHARS, SessionFold.DEFAULT_SUMMARY_MESSAGE_CHARS);
        driver = new TopologyTestDriver(TopologyProducer.build(
                new SessionFold(recentMessages, summarizer, new FactExtractor()), summarizer, limits,
                SessionStateSource.NONE), props, START);
        turns = input(Topics.TURNS_CLEARED);
        replies = input(Topics.REPLIES_OUTBOUND);
        states = driver.createOutputTopic(Topics.SESSIONS_STATE.name(),
                Topics.SESSIONS_STATE.keySerde().deserializer(), Topics.SESSIONS_STATE.valueSerde().deserializer());
        store = driver.getKeyValueStore(TopologyProducer.STORE);
    }

    private void start(int expiryBatch) {
        start(20, new SessionLimits(32768, IDLE, INTERVAL, expiryBatch));
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void anIdleSessionIsTombstonedOnTheTopicAndItsNextTurnStartsFresh() {
        start(1000);
        turns.pipeInput("s-1", turn("s-1", "t-1", "My name is Anna. Where is order 12345?", START));
        replies.pipeInput("s-1", reply("s-1", "t-1", "concierge", "It ships tomorrow.", START));
        assertThat(states.readValuesToList()).hasSize(2);

        driver.advanceWallClockTime(IDLE.minusMinutes(5));
        assertThat(store.get("s-1")).as("not idle long enough").isNotNull();
        assertThat(states.isEmpty()).isTrue();

        driver.advanceWallClockTime(PAST_EXPIRY.minus(IDLE.minusMinutes(5)));
        assertThat(store.get("s-1")).isNull();
        KeyValue<String, SessionState> tombstone = states.readKeyValue();
        assertThat(tombstone.key).isEqualTo("s-1");
        assertThat(tombstone.value).as("sessions.state compacts it away").isNull();
        assertThat(driver.producedTopicNames()).as("the store has no changelog: sessions.state is its record")
                .doesNotContain("switchboard-memory-test-" + TopologyProducer.STORE + "-changelog")
                .contains("switchboard-memory-test-" + TopologyProducer.ACTIVITY_STORE + "-changelog");

        Instant later = START.plus(PAST_EXPIRY).plusSeconds(5);
        turns.pipeInput("s-1", turn("s-1", "t-2", "hello again", later));
        SessionState fresh = states.readValue();
        assertThat(fresh.getTurns()).isEqualTo(1);
        assertThat(fresh.getReplies()).isZero();
        assertThat(fresh.getRecent()).extracting(ChatMessage::getText).containsExactly("hello again");
        assertThat(fresh.getSummary()).isNull();
        assertThat(fresh.getFacts()).isEmpty();
        assertThat(fresh.getActiveAgent()).isNull();
        assertThat(store.get("s-1")).isEqualTo(fresh);
    }

    @Test
    void aSessionActiveSinceIsKept() {
        start(1000);
        turns.pipeInput("s-1", turn("s-1", "t-1", "one", START));
        driver.advanceWallClockTime(Duration.ofHours(20));
        replies.pipeInput("s-1", reply("s-1", "t-1", "concierge", "two", START.plus(Duration.ofHours(20))));
        driver.advanceWallClockTime(Duration.ofHours(6));
        assertThat(store.get("s-1").getRecent()).hasSize(2);

        driver.advanceWallClockTime(IDLE);
        assertThat(store.get("s-1")).isNull();
    }

    @Test
    void onePunctuationDeletesAtMostTheBatch() {
        start(2);
        List<String> sessions = IntStream.rangeClosed(1, 5).mapToObj(i -> "s-" + i).toList();
        sessions.forEach(session -> turns.pipeInput(session, turn(session, "t-" + session, "hi", START)));
        states.readValuesToList();

        driver.advanceWallClockTime(PAST_EXPIRY);
        assertThat(states.readKeyValuesToList()).as("one sweep deletes at most the batch").hasSize(2)
                .allSatisfy(deleted -> assertThat(deleted.value).isNull());
        assertThat(remaining(sessions)).hasSize(3);
        driver.advanceWallClockTime(INTERVAL);
        assertThat(remaining(sessions)).hasSize(1);
        driver.advanceWallClockTime(INTERVAL);
        assertThat(remaining(sessions)).isEmpty();
        assertThat(states.readKeyValuesToList()).hasSize(3);
        assertThat(driver.getKeyValueStore(TopologyProducer.IDLE_INDEX_STORE).approximateNumEntries()).isZero();
        assertThat(driver.getKeyValueStore(TopologyProducer.ACTIVITY_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void anErasedSessionLeavesNothingInTheActivityIndex() {
        start(1000);
        turns.pipeInput("s-1", turn("s-1", "t-1", "hi", START));
        input(Topics.ERASURES).pipeInput("s-1", ErasureRequested.newBuilder().setTenant(TestEvents.TENANT)
                .setUser(TestEvents.USER).setSessionId("s-1").setRequestedBy("dpo").setRequestedAt(START).build());
        assertThat(store.get("s-1")).isNull();
        assertThat(driver.getKeyValueStore(TopologyProducer.IDLE_INDEX_STORE).approximateNumEntries()).isZero();
        assertThat(driver.getKeyValueStore(TopologyProducer.ACTIVITY_STORE).approximateNumEntries()).isZero();
        states.readValuesToList();

        driver.advanceWallClockTime(PAST_EXPIRY);
        assertThat(states.isEmpty()).as("nothing left to expire").isTrue();
    }

    @Test
    void aStateOverTheByteLimitIsTrimmedOldestHistoryFirst() {
        int limit = 4096;
        start(20, new SessionLimits(limit, IDLE, INTERVAL, 1000));
        for (int i = 1; i <= 10; i++) {
            turns.pipeInput("s-1", turn("s-1", "t-" + i, "Message " + i + ". " + "x".repeat(900), START.plusSeconds(i)));
        }
        List<SessionState> written = states.readValuesToList();
        SessionState last = written.get(written.size() - 1);
        assertThat(written).allSatisfy(state -> assertThat(encodedSize(state)).isLessThanOrEqualTo(limit));
        assertThat(last.getTurns()).isEqualTo(10);
        assertThat(last.getRecent()).hasSizeLessThan(10).last()
                .satisfies(message -> assertThat(message.getText()).startsWith("Message 10. ").hasSize(912));
        int kept = last.getRecent().size();
        assertThat(last.getRecent()).extracting(ChatMessage::getTurnId)
                .containsExactlyElementsOf(IntStream.rangeClosed(11 - kept, 10).mapToObj(i -> "t-" + i).toList());
        assertThat(last.getSummary()).as("what was trimmed is summarised, oldest first")
                .startsWith("user: Message 1.").contains("user: Message " + (10 - kept) + ".");
        assertThat(store.get("s-1")).isEqualTo(last);
    }

    private List<String> remaining(List<String> sessions) {
        return sessions.stream().filter(session -> store.get(session) != null).toList();
    }

    private static int encodedSize(SessionState state) {
        return Topics.SESSIONS_STATE.valueSerde().serializer().serialize(Topics.SESSIONS_STATE.name(), state).length;
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
}
