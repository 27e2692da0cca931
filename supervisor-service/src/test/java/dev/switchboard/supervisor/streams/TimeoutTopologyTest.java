package dev.switchboard.supervisor.streams;

import static dev.switchboard.supervisor.streams.TestEvents.agent;
import static dev.switchboard.supervisor.streams.TestEvents.result;
import static dev.switchboard.supervisor.streams.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

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
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.Replies;

/** Task deadlines through the real topology: overdue turns end with an apology; late results are ignored. */
class TimeoutTopologyTest {

    /** The agent's own timeout (30 s in the catalog) plus the configured grace (5 s). */
    static final Duration DEADLINE = Duration.ofSeconds(35);

    SupervisorDriver supervisor;
    TestInputTopic<String, AgentResult> results;
    TestOutputTopic<String, ReplyOutbound> replies;
    TestOutputTopic<String, SupervisorDecision> decisions;
    KeyValueStore<String, AgentTask> inProgress;
    AgentTask task;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(SupervisorDriver.Config.of("triage", List.of("chat"), 4, 10));
        supervisor.input(Topics.AGENTS_CATALOG).pipeInput("triage", agent("triage", "triage", List.of("chat")));
        results = supervisor.input(Topics.AGENT_RESULTS_CLEARED);
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
        decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        inProgress = supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE);
        supervisor.input(Topics.TURNS_CLEARED).pipeInput("s1", turn("acme", "s1", "t1"));
        task = supervisor.tasksOf("triage").readValue();
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    @Test
    void aTaskCarriesItsDeadlineAndTheTurnWaitsUntilThen() {
        assertThat(task.getDeadline()).isEqualTo(SupervisorDriver.START.plus(DEADLINE));
        supervisor.driver.advanceWallClockTime(DEADLINE.minusSeconds(1));
        assertThat(replies.isEmpty()).isTrue();
        assertThat(inProgress.get("t1")).isNotNull();
    }

    @Test
    void aTaskWithoutResultByItsDeadlineEndsTheTurnWithAnApologyAndAnAuditedTimeout() {
        supervisor.driver.advanceWallClockTime(DEADLINE);

        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.FAILURE);
        assertThat(reply.getText()).isEqualTo(Replies.TIMEOUT);
        assertThat(reply.getEnvelope().getTurnId()).isEqualTo("t1");
        SupervisorDecision timeout = decisions.readValue();
        assertThat(timeout.getKind()).isEqualTo(DecisionKind.TASK_TIMEOUT);
        assertThat(timeout.getTaskId()).isEqualTo(task.getTaskId());
        assertThat(inProgress.get("t1")).isNull();

        supervisor.driver.advanceWallClockTime(DEADLINE);
        assertThat(replies.isEmpty()).as("a turn times out once").isTrue();
    }

    @Test
    void aLateResultIsIgnoredButDebitedAndAudited() {
        supervisor.driver.advanceWallClockTime(DEADLINE);
        replies.readValue();
        decisions.readValue();

        results.pipeInput("s1", result(task, Outcome.REPLY, 40));
        assertThat(replies.isEmpty()).isTrue();
        SupervisorDecision late = decisions.readValue();
        assertThat(late.getKind()).isEqualTo(DecisionKind.LATE_RESULT);
        assertThat(late.getCode()).isEqualTo("turn_not_in_progress");
        assertThat(late.getTaskId()).isEqualTo(task.getTaskId());
        assertThat(supervisor.driver.<String, dev.switchboard.events.SessionUsage>getKeyValueStore(
                TopologyProducer.SESSION_USAGE_STORE).get("s1").getTokens()).isEqualTo(40);
    }

    @Test
    void aResultRedeliveredWithinTheSettledRetentionIsNotDebitedAgain() {
        results.pipeInput("s1", result(task, Outcome.REPLY, 1));
        replies.readValue();
        TestOutputTopic<String, TenantUsage> debits = supervisor.output(Topics.TENANT_USAGE);
        assertThat(debits.readValuesToList()).hasSize(1);

        supervisor.driver.advanceWallClockTime(Duration.ofDays(7).minusHours(1));
        results.pipeInput("s1", result(task, Outcome.REPLY, 1));
        assertThat(decisions.readValuesToList()).extracting(SupervisorDecision::getKind)
                .containsExactly(DecisionKind.DUPLICATE_RESULT);
        assertThat(debits.isEmpty()).as("not debited twice").isTrue();
        assertThat(replies.isEmpty()).isTrue();
    }

    @Test
    void settledTaskIdsAreForgottenAfterTheirRetention() {
        results.pipeInput("s1", result(task, Outcome.REPLY, 1));
        assertThat(SupervisorDriver.settledAt(supervisor, task.getTaskId()))
                .containsExactly(SupervisorDriver.START.toEpochMilli());
        supervisor.driver.advanceWallClockTime(Duration.ofDays(7).plusHours(8));

        // Any later settlement moves the window store's time on: the first id is out of its retention.
        supervisor.input(Topics.TURNS_CLEARED).pipeInput("s2", turn("acme", "s2", "t2"));
        AgentTask later = supervisor.tasksOf("triage").readValue();
        results.pipeInput("s2", result(later, Outcome.REPLY, 1));
        assertThat(SupervisorDriver.settledAt(supervisor, later.getTaskId())).hasSize(1);
        assertThat(SupervisorDriver.settledAt(supervisor, task.getTaskId())).isEmpty();
    }
}
