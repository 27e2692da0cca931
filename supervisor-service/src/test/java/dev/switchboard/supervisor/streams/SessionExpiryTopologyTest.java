package dev.switchboard.supervisor.streams;

import static dev.switchboard.supervisor.streams.TestEvents.agent;
import static dev.switchboard.supervisor.streams.TestEvents.result;
import static dev.switchboard.supervisor.streams.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.runtime.streams.IdleSessions;
import dev.switchboard.schemas.Topics;

/** Idle sessions through the real topology: forgotten after the expiry, a bounded number per punctuation. */
class SessionExpiryTopologyTest {

    static final Duration IDLE = Duration.ofHours(24);
    static final Duration INTERVAL = Duration.ofMinutes(1);
    static final int BATCH = 2;
    static final long SESSION_TOKENS = 100;
    /** Past the expiry for activity at the driver's start: one bucket and one sweep interval later at most. */
    static final Duration PAST_EXPIRY = IDLE.plus(INTERVAL).plus(INTERVAL);

    SupervisorDriver supervisor;
    TestInputTopic<String, TurnReceived> turns;
    TestOutputTopic<String, AgentTask> tasks;
    TestOutputTopic<String, AgentTask> humanQueue;
    TestOutputTopic<String, ReplyOutbound> replies;
    TestOutputTopic<String, SupervisorDecision> decisions;
    KeyValueStore<String, SessionUsage> usage;
    KeyValueStore<String, SupervisorDecision> escalations;
    KeyValueStore<String, String> index;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(SupervisorDriver.Config.of("triage", List.of("chat"), 4, 10)
                .withBudgets(SESSION_TOKENS, 10_000_000).withSessionExpiry(IDLE, INTERVAL, BATCH));
        supervisor.input(Topics.AGENTS_CATALOG).pipeInput("triage", agent("triage", "triage", List.of("chat")));
        turns = supervisor.input(Topics.TURNS_CLEARED);
        tasks = supervisor.tasksOf("triage");
        humanQueue = supervisor.output(Topics.HUMAN_QUEUE);
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
        decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        usage = supervisor.driver.getKeyValueStore(TopologyProducer.SESSION_USAGE_STORE);
        escalations = supervisor.driver.getKeyValueStore(TopologyProducer.ESCALATIONS_STORE);
        index = supervisor.driver.getKeyValueStore(TopologyProducer.SESSION_IDLE_INDEX_STORE);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    @Test
    void anIdleSessionsUsageIsTombstonedAndItsNextTurnStartsWithAFreshBudget() {
        answer("s1", "t1", SESSION_TOKENS);
        turns.pipeInput("s1", turn("acme", "s1", "t2"));
        assertThat(tasks.isEmpty()).as("the session budget is spent").isTrue();
        assertThat(replies.readValuesToList()).extracting(ReplyOutbound::getKind)
                .containsExactly(ReplyKind.AGENT_REPLY, ReplyKind.LIMIT);

        supervisor.driver.advanceWallClockTime(IDLE.minusMinutes(5));
        assertThat(usage.get("s1")).as("not idle long enough").isNotNull();

        supervisor.driver.advanceWallClockTime(PAST_EXPIRY.minus(IDLE.minusMinutes(5)));
        assertThat(usage.get("s1")).isNull();
        List<KeyValue<String, byte[]>> changelog = supervisor.driver.createOutputTopic(
                "supervisor-test-" + TopologyProducer.SESSION_USAGE_STORE + "-changelog",
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer()).readKeyValuesToList();
        assertThat(changelog.get(changelog.size() - 1).key).isEqualTo("s1");
        assertThat(changelog.get(changelog.size() - 1).value).as("a tombstone, compacted away").isNull();
        assertThat(index.get(IdleSessions.key(SupervisorDriver.START.toEpochMilli(), "s1"))).isNull();

        turns.pipeInput("s1", turn("acme", "s1", "t3"));
        AgentTask fresh = tasks.readValue();
        assertThat(fresh.getMaxTokens()).as("the whole session budget again").isEqualTo(SESSION_TOKENS);
        results().pipeInput("s1", result(fresh, Outcome.REPLY, 10));
        assertThat(usage.get("s1").getTokens()).isEqualTo(10);
        assertThat(usage.get("s1").getResults()).isEqualTo(1);
    }

    @Test
    void anIdleEscalationIsReleasedAndAuditedAndTheNextTurnGoesToAnAgent() {
        turns.pipeInput("s2", turn("acme", "s2", "t1"));
        results().pipeInput("s2", result(tasks.readValue(), Outcome.ESCALATION, 10));
        assertThat(escalations.get("s2")).isNotNull();
        humanQueue.readValuesToList();
        decisions.readValuesToList();

        supervisor.driver.advanceWallClockTime(PAST_EXPIRY);
        assertThat(escalations.get("s2")).isNull();
        SupervisorDecision released = decisions.readValue();
        assertThat(released.getKind()).isEqualTo(DecisionKind.RELEASED);
        assertThat(released.getCode()).isEqualTo("session_idle_expired");
        assertThat(released.getEnvelope().getSessionId()).isEqualTo("s2");

        turns.pipeInput("s2", turn("acme", "s2", "t2"));
        assertThat(tasks.readValue().getEnvelope().getTurnId()).isEqualTo("t2");
        assertThat(humanQueue.isEmpty()).isTrue();
    }

    @Test
    void aSessionActiveSinceIsKept() {
        answer("s1", "t1", 10);
        supervisor.driver.advanceWallClockTime(Duration.ofHours(20));
        answer("s1", "t2", 10);
        supervisor.driver.advanceWallClockTime(Duration.ofHours(6));
        assertThat(usage.get("s1").getTokens()).as("active 6 hours ago").isEqualTo(20);
        assertThat(index.get(IdleSessions.key(SupervisorDriver.START.toEpochMilli(), "s1")))
                .as("the old bucket's key went when the session moved on").isNull();

        supervisor.driver.advanceWallClockTime(IDLE);
        assertThat(usage.get("s1")).isNull();
    }

    @Test
    void onePunctuationForgetsAtMostTheBatch() {
        List<String> sessions = IntStream.rangeClosed(1, 5).mapToObj(i -> "s" + i).toList();
        sessions.forEach(session -> answer(session, "t-" + session, 10));
        assertThat(remaining(sessions)).hasSize(5);

        supervisor.driver.advanceWallClockTime(PAST_EXPIRY);
        assertThat(remaining(sessions)).as("one sweep, at most " + BATCH).hasSize(3);
        assertThat(indexSize()).isEqualTo(3);
        supervisor.driver.advanceWallClockTime(INTERVAL);
        assertThat(remaining(sessions)).hasSize(1);
        supervisor.driver.advanceWallClockTime(INTERVAL);
        assertThat(remaining(sessions)).isEmpty();
        assertThat(indexSize()).isZero();
        assertThat(supervisor.driver.<String, Long>getKeyValueStore(TopologyProducer.SESSION_ACTIVITY_STORE)
                .approximateNumEntries()).isZero();
    }

    private void answer(String session, String turnId, long tokens) {
        turns.pipeInput(session, turn("acme", session, turnId));
        results().pipeInput(session, result(tasks.readValue(), Outcome.REPLY, tokens));
    }

    private TestInputTopic<String, AgentResult> results() {
        return supervisor.input(Topics.AGENT_RESULTS_CLEARED);
    }

    private List<String> remaining(List<String> sessions) {
        return sessions.stream().filter(session -> usage.get(session) != null).toList();
    }

    private long indexSize() {
        long count = 0;
        try (var all = index.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }
}
