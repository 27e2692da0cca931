package dev.switchboard.memory.streams;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.result;
import static dev.switchboard.memory.TestEvents.turn;
import static dev.switchboard.memory.TestEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Role;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.memory.SessionFold;
import dev.switchboard.memory.Summarizer;
import dev.switchboard.memory.TestEvents;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/** The production topology, driven record by record, checked on its output topic and its store. */
class TopologyProducerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path stateDir;

    private Topology topology;
    private TopologyTestDriver driver;
    private TestInputTopic<String, TurnReceived> turns;
    private TestInputTopic<String, AgentResult> results;
    private TestInputTopic<String, ReplyOutbound> replies;
    private TestOutputTopic<String, SessionState> states;
    private KeyValueStore<String, SessionState> store;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "switchboard-memory-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        topology = TopologyProducer.build(new SessionFold(2));
        driver = new TopologyTestDriver(topology, props);
        turns = input(Topics.TURNS_CLEARED);
        results = input(Topics.AGENT_RESULTS_CLEARED);
        replies = input(Topics.REPLIES_OUTBOUND);
        states = driver.createOutputTopic(Topics.SESSIONS_STATE.name(),
                Topics.SESSIONS_STATE.keySerde().deserializer(), Topics.SESSIONS_STATE.valueSerde().deserializer());
        store = driver.getKeyValueStore(TopologyProducer.STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void foldsOneExchangeIntoTheTopicAndTheStore() {
        turns.pipeInput("s-1", turn("s-1", "t-1", "where is my order?", T0));
        results.pipeInput("s-1", result("s-1", "t-1", "concierge", usage(120, 30, 2), T0.plusSeconds(1)));
        replies.pipeInput("s-1", reply("s-1", "t-1", "concierge", "it ships tomorrow", T0.plusSeconds(2)));

        List<SessionState> emitted = states.readValuesToList();
        assertThat(emitted).extracting(SessionState::getSessionId).containsOnly("s-1");
        assertThat(emitted).extracting(state -> state.getRecent().size()).containsExactly(1, 1, 2);
        SessionState last = emitted.get(emitted.size() - 1);
        assertExchange(last);
        assertExchange(store.get("s-1"));
        assertThat(store.get("s-1")).isEqualTo(last);
    }

    @Test
    void keepsSessionsApartAndTrimsTheWindow() {
        turns.pipeInput("s-1", turn("s-1", "t-1", "one", T0));
        turns.pipeInput("s-2", turn("s-2", "t-9", "other session", T0));
        replies.pipeInput("s-1", reply("s-1", "t-1", "concierge", "two", T0.plusSeconds(1)));
        turns.pipeInput("s-1", turn("s-1", "t-2", "three", T0.plusSeconds(2)));

        Map<String, SessionState> latest = states.readKeyValuesToMap();
        assertThat(latest).containsOnlyKeys("s-1", "s-2");
        assertThat(latest.get("s-1").getRecent()).extracting(ChatMessage::getText).containsExactly("two", "three");
        assertThat(latest.get("s-1").getTurns()).isEqualTo(2);
        assertThat(latest.get("s-2").getRecent()).extracting(ChatMessage::getText).containsExactly("other session");

        assertThat(store.get("s-1").getRecent()).extracting(ChatMessage::getText).containsExactly("two", "three");
        assertThat(store.get("s-2").getTurns()).isEqualTo(1);
        assertThat(store.get("unknown")).isNull();
    }

    @Test
    void summaryAndFactsSurviveTheSerdeIntoTheTopicAndTheStore() {
        turns.pipeInput("s-1", turn("s-1", "t-1", "My name is Anna. Where is order 12345?", T0));
        replies.pipeInput("s-1", reply("s-1", "t-1", "billing-agent", "It shipped.", T0.plusSeconds(1)));
        results.pipeInput("s-1", result("s-1", "t-1", "billing-agent", usage(1, 1, 1), T0.plusSeconds(1)));
        turns.pipeInput("s-1", turn("s-1", "t-2", "Thanks! Reach me at [EMAIL:3f9a0c1d2e4b]", T0.plusSeconds(2)));

        SessionState published = states.readKeyValuesToMap().get("s-1");
        for (SessionState state : List.of(published, store.get("s-1"))) {
            assertThat(state.getRecent()).extracting(ChatMessage::getText)
                    .containsExactly("It shipped.", "Thanks! Reach me at [EMAIL:3f9a0c1d2e4b]");
            assertThat(state.getSummary()).isEqualTo("user: My name is Anna.");
            assertThat(state.getFacts()).containsExactlyInAnyOrderEntriesOf(
                    Map.of("name", "Anna", "order", "12345", "email", "[EMAIL:3f9a0c1d2e4b]"));
            assertThat(state.getActiveAgent()).isEqualTo("billing-agent");
        }
    }

    @Test
    void anErasureOfTheSessionsUserDeletesItsStateAndWritesATombstone() {
        TestInputTopic<String, ErasureRequested> erasures = input(Topics.ERASURES);
        turns.pipeInput("s-1", turn("s-1", "t-1", "my card is 4111", T0));
        turns.pipeInput("s-2", turn("s-2", "t-2", "another session", T0));
        states.readValuesToList();

        erasures.pipeInput("s-1", erasure("s-1", "someone-else"));
        assertThat(store.get("s-1")).as("another user's erasure leaves the session alone").isNotNull();
        states.readValuesToList();

        erasures.pipeInput("s-1", erasure("s-1", TestEvents.USER));
        assertThat(store.get("s-1")).isNull();
        var tombstone = states.readKeyValue();
        assertThat(tombstone.key).isEqualTo("s-1");
        assertThat(tombstone.value).isNull();
        assertThat(store.get("s-2")).isNotNull();

        turns.pipeInput("s-1", turn("s-1", "t-3", "hello again", T0.plusSeconds(5)));
        assertThat(store.get("s-1").getRecent()).extracting(ChatMessage::getText).containsExactly("hello again");
    }

    private static ErasureRequested erasure(String session, String user) {
        return ErasureRequested.newBuilder().setTenant(TestEvents.TENANT).setUser(user).setSessionId(session)
                .setRequestedBy("dpo").setRequestedAt(T0).build();
    }

    @Test
    void aStartingTaskLoadsItsCommittedStatesAndFoldsOnFromThem() {
        // What the task's partition of sessions.state holds: s-7's latest state, and s-8 written then deleted.
        turns.pipeInput("s-7", turn("s-7", "t-1", "My name is Anna. Where is order 12345?", T0));
        SessionState s7 = states.readValue();
        driver.close();
        SessionState s8 = SessionState.newBuilder(s7).setSessionId("s-8").build();
        List<Object[]> partition = List.of(new Object[] {"s-8", s8}, new Object[] {"s-7", s7}, new Object[] {"s-8", null});
        List<Integer> loadedPartitions = new ArrayList<>();
        SessionStateSource committed = (number, visitor) -> {
            loadedPartitions.add(number);
            partition.forEach(entry -> visitor.state((String) entry[0], (SessionState) entry[1], T0.toEpochMilli()));
        };
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "switchboard-memory-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("restarted").toString());
        Summarizer summarizer = new Summarizer(SessionFold.DEFAULT_SUMMARY_CHARS, SessionFold.DEFAULT_SUMMARY_MESSAGE_CHARS);
        driver = new TopologyTestDriver(TopologyProducer.build(new SessionFold(2), summarizer, SessionLimits.DEFAULTS,
                committed), props);
        store = driver.getKeyValueStore(TopologyProducer.STORE);
        turns = input(Topics.TURNS_CLEARED);
        states = driver.createOutputTopic(Topics.SESSIONS_STATE.name(),
                Topics.SESSIONS_STATE.keySerde().deserializer(), Topics.SESSIONS_STATE.valueSerde().deserializer());

        assertThat(loadedPartitions).containsExactly(0);
        assertThat(store.get("s-7")).isEqualTo(s7);
        assertThat(store.get("s-8")).as("its tombstone came last").isNull();

        turns.pipeInput("s-7", turn("s-7", "t-2", "Any news?", T0.plusSeconds(5)));
        SessionState next = states.readValue();
        assertThat(next.getTurns()).as("folded onto the loaded state").isEqualTo(2);
        assertThat(next.getFacts()).containsEntry("order", "12345");
    }

    @Test
    void readsExactlyTheSourceTopicsOfTheCatalog() {
        Set<String> sources = topology.describe().subtopologies().stream()
                .flatMap(sub -> sub.nodes().stream())
                .filter(TopologyDescription.Source.class::isInstance)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .collect(Collectors.toSet());

        assertThat(sources).containsExactlyInAnyOrderElementsOf(
                TopologyProducer.SOURCES.stream().map(Topic::name).toList());
        assertThat(sources).containsExactlyInAnyOrder(Topics.TURNS_CLEARED.name(),
                Topics.AGENT_RESULTS_CLEARED.name(), Topics.REPLIES_OUTBOUND.name(), Topics.ERASURES.name());
    }

    private static void assertExchange(SessionState state) {
        assertThat(state.getTenant()).isEqualTo("acme");
        assertThat(state.getUser()).isEqualTo("user-42");
        assertThat(state.getTurns()).isEqualTo(1);
        assertThat(state.getReplies()).isEqualTo(1);
        assertThat(state.getUsage().getInputTokens()).isEqualTo(120);
        assertThat(state.getUsage().getOutputTokens()).isEqualTo(30);
        assertThat(state.getUsage().getIterations()).isEqualTo(2);
        assertThat(state.getActiveAgent()).isEqualTo("concierge");
        assertThat(state.getLastChannel()).isEqualTo("webchat");
        assertThat(state.getLastTurnId()).isEqualTo("t-1");
        assertThat(state.getUpdatedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(state.getRecent()).extracting(ChatMessage::getRole).containsExactly(Role.USER, Role.AGENT);
        assertThat(state.getRecent()).extracting(ChatMessage::getText)
                .containsExactly("where is my order?", "it ships tomorrow");
    }

    private <V> TestInputTopic<String, V> input(Topic<String, V> topic) {
        return driver.createInputTopic(topic.name(), topic.keySerde().serializer(), topic.valueSerde().serializer());
    }
}
