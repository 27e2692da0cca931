package dev.switchboard.supervisor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Role;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

class TopologyProducerTest {

    static final SupervisorConfig CONFIG = SupervisorDriver.Config.of("concierge", List.of("chat"), 3, 2)
            .withLimits(5, 1000);

    SupervisorDriver supervisor;
    TopologyTestDriver driver;
    TestInputTopic<String, TurnReceived> turns;
    TestInputTopic<String, TurnRejected> rejections;
    TestInputTopic<String, AgentResult> results;
    TestInputTopic<String, SessionState> sessions;
    TestOutputTopic<String, AgentTask> tasks;
    TestInputTopic<String, AgentDescriptor> catalog;
    TestOutputTopic<String, ReplyOutbound> replies;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(CONFIG);
        driver = supervisor.driver;
        turns = supervisor.input(Topics.TURNS_CLEARED);
        rejections = supervisor.input(Topics.TURNS_REJECTED);
        results = supervisor.input(Topics.AGENT_RESULTS_CLEARED);
        sessions = supervisor.input(Topics.SESSIONS_STATE);
        catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("concierge", TestEvents.agent("concierge", "concierge", List.of("chat")));
        tasks = supervisor.tasksOf("concierge");
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    static Envelope envelope(String session, String turn) {
        return Envelope.newBuilder().setEventId("ev-" + turn).setTenant("acme").setSessionId(session)
                .setTurnId(turn).setPrincipal(new Principal("acme", "alice", Map.of())).setChannel("webchat")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    static ChatMessage message(Role role, String text, String turn) {
        return new ChatMessage(role, text, null, turn, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void aClearedTurnBecomesATaskOfTheDefaultAgentWithHistoryLimitsAndChain() {
        sessions.pipeInput("s1", SessionState.newBuilder().setSessionId("s1").setTenant("acme").setUser("alice")
                .setRecent(List.of(message(Role.USER, "one", "t0"), message(Role.AGENT, "two", "t0"),
                        message(Role.USER, "three", "tA"), message(Role.USER, "current", "t1")))
                .setUsage(new Usage(0L, 0L, 0)).setUpdatedAt(Instant.now()).build());
        turns.pipeInput("s1", new TurnReceived(envelope("s1", "t1"), null, "current"));

        var record = tasks.readKeyValue();
        assertThat(record.key).isEqualTo("s1");
        AgentTask task = record.value;
        assertThat(task.getAgent()).isEqualTo("concierge");
        assertThat(task.getText()).isEqualTo("current");
        assertThat(task.getHistory()).extracting(ChatMessage::getText).containsExactly("two", "three");
        assertThat(task.getGrantedScopes()).containsExactly("chat");
        assertThat(task.getMaxIterations()).isEqualTo(5);
        assertThat(task.getMaxTokens()).isEqualTo(1000L);
        assertThat(task.getEnvelope().getDelegationChain()).singleElement()
                .satisfies(link -> assertThat(link.getAgent()).isEqualTo("concierge"));
        assertThat(task.getEnvelope().getEventId()).isNotEqualTo("ev-t1").isEqualTo(task.getTaskId());
        assertThat(task.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        assertThat(tasks.isEmpty()).isTrue();

        KeyValueStore<String, ValueAndTimestamp<SessionState>> store =
                driver.getTimestampedKeyValueStore(TopologyProducer.SESSIONS_STORE);
        assertThat(store.get("s1").value().getRecent()).hasSize(4);
    }

    @Test
    void theSessionTableIsBackedBySessionsStateItselfWithNoChangelogOfItsOwn() {
        sessions.pipeInput("s1", SessionState.newBuilder().setSessionId("s1").setTenant("acme").setUser("alice")
                .setRecent(List.of(message(Role.USER, "one", "t0"))).setUsage(new Usage(0L, 0L, 0))
                .setUpdatedAt(Instant.now()).build());
        turns.pipeInput("s1", new TurnReceived(envelope("s1", "t1"), null, "one"));

        assertThat(tasks.readValue().getText()).isEqualTo("one");
        // Every session state memory publishes would otherwise be written a second time, to the table's changelog.
        assertThat(driver.producedTopicNames()).noneMatch(topic -> topic.contains(TopologyProducer.SESSIONS_STORE + "-changelog"))
                .anyMatch(topic -> topic.contains("-changelog"));
    }

    @Test
    void theSessionsSummaryAndFactsComeFirstInTheHistory() {
        sessions.pipeInput("s1", SessionState.newBuilder().setSessionId("s1").setTenant("acme").setUser("alice")
                .setRecent(List.of(message(Role.USER, "where is order 123?", "t0")))
                .setSummary("user: I was charged twice.").setFacts(Map.of("order", "123", "name", "Alice"))
                .setUsage(new Usage(0L, 0L, 0)).setUpdatedAt(Instant.now()).build());
        turns.pipeInput("s1", new TurnReceived(envelope("s1", "t1"), null, "any news?"));

        List<ChatMessage> history = tasks.readValue().getHistory();
        assertThat(history).extracting(ChatMessage::getRole).containsExactly(Role.SYSTEM, Role.USER);
        assertThat(history.get(0).getText()).contains("I was charged twice.").contains("name=Alice, order=123");
    }

    @Test
    void aTurnOfANewSessionHasNoHistory() {
        turns.pipeInput("s2", new TurnReceived(envelope("s2", "t1"), null, "hi"));
        assertThat(tasks.readValue().getHistory()).isEmpty();
    }

    @Test
    void aRedeliveredTurnYieldsATaskWithTheSameId() {
        TurnReceived turn = new TurnReceived(envelope("s3", "t1"), null, "hi");
        turns.pipeInput("s3", turn);
        turns.pipeInput("s3", turn);
        assertThat(tasks.readValue().getTaskId()).isEqualTo(tasks.readValue().getTaskId());
    }

    @Test
    void resultsOfTheCurrentTaskBecomeRepliesAndFailuresNeverLeakDetails() {
        ReplyOutbound reply = answer("t1", Outcome.REPLY, "Hello Alice");
        assertThat(reply.getKind()).isEqualTo(ReplyKind.AGENT_REPLY);
        assertThat(reply.getText()).isEqualTo("Hello Alice");
        assertThat(reply.getEnvelope().getTurnId()).isEqualTo("t1");

        ReplyOutbound failure = answer("t2", Outcome.FAILURE, null);
        assertThat(failure.getKind()).isEqualTo(ReplyKind.FAILURE);
        assertThat(failure.getText()).doesNotContain("10.0.0.1").contains("Sorry");

        assertThat(answer("t3", Outcome.ESCALATION, null).getKind()).isEqualTo(ReplyKind.ESCALATION);
        assertThat(replies.isEmpty()).isTrue();
    }

    /** A turn of session s1, its task, and the reply to the task's result. */
    private ReplyOutbound answer(String turn, Outcome outcome, String reply) {
        turns.pipeInput("s1", new TurnReceived(envelope("s1", turn), null, "hi"));
        AgentTask task = tasks.readValue();
        AgentResult result = AgentResult.newBuilder().setEnvelope(task.getEnvelope()).setTaskId(task.getTaskId())
                .setAgent(task.getAgent()).setTicket(task.getTicket()).setOutcome(outcome).setReply(reply)
                .setEscalation(outcome == Outcome.ESCALATION ? "angry" : null)
                .setFailure(outcome == Outcome.FAILURE
                        ? new dev.switchboard.events.Failure("model_timeout", "internal detail: host 10.0.0.1") : null)
                .setUsage(new Usage(10L, 5L, 1)).build();
        results.pipeInput("s1", result);
        return replies.readValue();
    }

    @Test
    void aRejectedTurnIsAnsweredWithItsReason() {
        rejections.pipeInput("s1", new TurnRejected(envelope("s1", "t9"), "blocked_pii", "Please do not send card numbers."));
        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.REJECTION);
        assertThat(reply.getText()).isEqualTo("Please do not send card numbers.");
    }

    // The test driver gives every output topic one partition, so only slot 0 exists here; how slots map to
    // partitions is ReplySlots' own test below.
    @Test
    void aReplyGoesToTheGatewaySlotTheTurnNamedOnceAndNowhereWhenItNamedNone() {
        TestOutputTopic<String, ReplyOutbound> routed = supervisor.output(Topics.REPLIES_ROUTED);
        Envelope waited = envelope("s1", "t1");
        waited.setReplyTo(List.of(0, 0));
        turns.pipeInput("s1", new TurnReceived(waited, null, "hi"));
        AgentTask task = tasks.readValue();
        assertThat(task.getEnvelope().getReplyTo()).containsExactly(0, 0);
        results.pipeInput("s1", TestEvents.result(task, Outcome.REPLY, 10));

        assertThat(replies.readValuesToList()).singleElement()
                .satisfies(reply -> assertThat(reply.getEnvelope().getReplyTo()).containsExactly(0, 0));
        assertThat(routed.readValuesToList()).singleElement()
                .satisfies(reply -> assertThat(reply.getEnvelope().getTurnId()).isEqualTo("t1"));

        turns.pipeInput("s2", new TurnReceived(envelope("s2", "t2"), null, "nobody waits"));
        results.pipeInput("s2", TestEvents.result(tasks.readValue(), Outcome.REPLY, 10));
        assertThat(replies.readValuesToList()).hasSize(1);
        assertThat(routed.isEmpty()).isTrue();
    }

    @Test
    void aResultNamingOtherSlotsDoesNotRedirectTheReply() {
        TestOutputTopic<String, ReplyOutbound> routed = supervisor.output(Topics.REPLIES_ROUTED);
        turns.pipeInput("s1", new TurnReceived(envelope("s1", "t1"), null, "nobody waits"));
        AgentTask task = tasks.readValue();
        AgentResult result = TestEvents.result(task, Outcome.REPLY, 10);
        Envelope forged = Envelope.newBuilder(result.getEnvelope()).setReplyTo(List.of(0)).build();
        results.pipeInput("s1", AgentResult.newBuilder(result).setEnvelope(forged).build());

        assertThat(replies.readValue().getEnvelope().getReplyTo()).isEmpty();
        assertThat(routed.isEmpty()).isTrue();
    }

    @Test
    void aRejectionReachesTheSlotThatWaitsForIt() {
        TestOutputTopic<String, ReplyOutbound> routed = supervisor.output(Topics.REPLIES_ROUTED);
        Envelope waited = envelope("s1", "t9");
        waited.setReplyTo(List.of(0));
        rejections.pipeInput("s1", new TurnRejected(waited, "blocked_pii", "Please do not send card numbers."));
        assertThat(routed.readValue().getKind()).isEqualTo(ReplyKind.REJECTION);
        assertThat(replies.readValue().getKind()).isEqualTo(ReplyKind.REJECTION);
    }

    @Test
    void slotsOutsideTheTopicAreLeftOut() {
        Envelope envelope = envelope("s1", "t1");
        envelope.setReplyTo(List.of(-1, 0, 15, 16, 40, 15));
        ReplyOutbound reply = dev.switchboard.supervisor.Replies.of(envelope, "concierge", ReplyKind.AGENT_REPLY, "hi");
        assertThat(new ReplySlots().partitions(Topics.REPLIES_ROUTED.name(), "s1", reply, 16))
                .contains(java.util.Set.of(0, 15));
    }
}
