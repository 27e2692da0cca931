package dev.switchboard.supervisor.streams;

import static dev.switchboard.supervisor.streams.TestEvents.agent;
import static dev.switchboard.supervisor.streams.TestEvents.result;
import static dev.switchboard.supervisor.streams.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
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
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.Replies;

/**
 * Token budgets through the real topology: per session and per tenant and day, each boundary (one under,
 * exactly at, one over), checked before every dispatch, debited once per result.
 */
class BudgetTopologyTest {

    static final long SESSION_TOKENS = 100;
    static final long DAILY_TOKENS = 250;

    SupervisorDriver supervisor;
    TestInputTopic<String, TurnReceived> turns;
    TestInputTopic<String, AgentResult> results;
    TestOutputTopic<String, AgentTask> tasks;
    TestOutputTopic<String, ReplyOutbound> replies;
    TestOutputTopic<String, SupervisorDecision> decisions;
    KeyValueStore<String, SessionUsage> sessionUsage;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(SupervisorDriver.Config.of("triage", List.of("chat"), 4, 10)
                .withBudgets(SESSION_TOKENS, DAILY_TOKENS));
        turns = supervisor.input(Topics.TURNS_CLEARED);
        results = supervisor.input(Topics.AGENT_RESULTS_CLEARED);
        tasks = supervisor.tasksOf("triage");
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
        decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        var catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("triage", agent("triage", "triage", List.of("chat"), "support"));
        catalog.pipeInput("support", agent("support", "support", List.of("chat")));
        sessionUsage = supervisor.driver.getKeyValueStore(TopologyProducer.SESSION_USAGE_STORE);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    /** A turn of {@code session} of tenant acme; its task, or null when none was dispatched. */
    private AgentTask ask(String session, String turnId) {
        return ask("acme", session, turnId);
    }

    private AgentTask ask(String tenant, String session, String turnId) {
        turns.pipeInput(session, turn(tenant, session, turnId));
        return tasks.isEmpty() ? null : tasks.readValue();
    }

    private void answer(AgentTask task, long tokens) {
        results.pipeInput(task.getEnvelope().getSessionId(), result(task, Outcome.REPLY, tokens));
        assertThat(replies.readValue().getKind()).isEqualTo(ReplyKind.AGENT_REPLY);
    }

    private void assertStopped(String budget, String expectedText) {
        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.LIMIT);
        assertThat(reply.getText()).isEqualTo(expectedText);
        SupervisorDecision decision = decisions.readValue();
        assertThat(decision.getKind()).isEqualTo(DecisionKind.BUDGET_EXHAUSTED);
        assertThat(decision.getCode()).isEqualTo(budget);
        assertThat(supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE).approximateNumEntries()).isZero();
    }

    @Test
    void aTaskIsGrantedNoMoreThanTheSessionHasLeftAndOneTokenUnderTheLimitStillDispatches() {
        AgentTask first = ask("s1", "t1");
        assertThat(first.getMaxTokens()).isEqualTo(SESSION_TOKENS);
        answer(first, SESSION_TOKENS - 1);

        AgentTask second = ask("s1", "t2");
        assertThat(second).isNotNull();
        assertThat(second.getMaxTokens()).isEqualTo(1);
        assertThat(decisions.isEmpty()).isTrue();
    }

    @Test
    void exactlyAtTheSessionLimitTheNextTurnEndsWithAClearMessageAndAnAuditedDecision() {
        answer(ask("s1", "t1"), SESSION_TOKENS);
        assertThat(sessionUsage.get("s1").getTokens()).isEqualTo(SESSION_TOKENS);

        assertThat(ask("s1", "t2")).isNull();
        assertStopped("session_tokens", Replies.SESSION_BUDGET);
        assertThat(ask("s2", "t3")).as("another session of the tenant still has its budget").isNotNull();
    }

    @Test
    void oneOverTheSessionLimitIsStoppedToo() {
        answer(ask("s1", "t1"), SESSION_TOKENS + 1);
        assertThat(ask("s1", "t2")).isNull();
        assertStopped("session_tokens", Replies.SESSION_BUDGET);
        assertThat(sessionUsage.get("s1").getTokens()).isEqualTo(SESSION_TOKENS + 1);
    }

    @Test
    void aHandoffIsCheckedBeforeItIsDispatched() {
        AgentTask triage = ask("s1", "t1");
        AgentResult handoff = DelegationTopologyTest.handoff(triage, "support");
        handoff.setUsage(new Usage(50L, 50L, 1));
        results.pipeInput("s1", handoff);
        assertThat(supervisor.tasksOf("support").isEmpty()).isTrue();
        assertStopped("session_tokens", Replies.SESSION_BUDGET);
    }

    @Test
    void theTenantsDailyBudgetCountsEverySessionAndIsKeptPerDay() {
        answer(ask("s1", "t1"), 100);
        answer(ask("s2", "t2"), 100);
        AgentTask third = ask("s3", "t3");
        assertThat(third.getMaxTokens()).as("one session's budget, all the tenant has left").isEqualTo(50);
        answer(third, 49);
        AgentTask oneUnder = ask("s4", "t4");
        assertThat(oneUnder.getMaxTokens()).isEqualTo(1);
        answer(oneUnder, 1);

        var tenantUsage = supervisor.driver.<String, TenantUsage>getTimestampedKeyValueStore(TopologyProducer.TENANT_USAGE_STORE);
        TenantUsage today = tenantUsage.get("acme/2026-03-02").value();
        assertThat(today.getTokens()).isEqualTo(DAILY_TOKENS);
        assertThat(today.getResults()).isEqualTo(4);
        assertThat(supervisor.output(Topics.TENANT_USAGE).readKeyValuesToMap().get("acme/2026-03-02").getTokens())
                .isEqualTo(DAILY_TOKENS);

        assertThat(ask("s5", "t5")).as("exactly at the tenant's daily limit").isNull();
        assertStopped("tenant_daily_tokens", Replies.DAILY_BUDGET);
        assertThat(ask("globex", "s6", "t6")).as("another tenant").isNotNull();

        supervisor.driver.advanceWallClockTime(Duration.ofDays(1));
        assertThat(ask("s7", "t7")).as("the next day").isNotNull();
    }

    @Test
    void aRedeliveredResultIsDebitedOnceAndAnsweredOnce() {
        AgentTask task = ask("s1", "t1");
        AgentResult result = result(task, Outcome.REPLY, 30);
        results.pipeInput("s1", result);
        results.pipeInput("s1", result);

        assertThat(replies.readValuesToList()).hasSize(1);
        assertThat(sessionUsage.get("s1").getTokens()).isEqualTo(30);
        assertThat(sessionUsage.get("s1").getResults()).isEqualTo(1);
        assertThat(supervisor.driver.<String, TenantUsage>getTimestampedKeyValueStore(TopologyProducer.TENANT_USAGE_STORE)
                .get("acme/2026-03-02").value().getTokens()).isEqualTo(30);
        SupervisorDecision duplicate = decisions.readValue();
        assertThat(duplicate.getKind()).isEqualTo(DecisionKind.DUPLICATE_RESULT);
        assertThat(duplicate.getTaskId()).isEqualTo(task.getTaskId());
        assertThat(SupervisorDriver.settledAt(supervisor, task.getTaskId())).hasSize(1);
    }

    @Test
    void aTenantPolicyOnTheTopicChangesTheBudgetAtRunTimeAndItsTombstoneRestoresTheConfiguration() {
        var policies = supervisor.input(Topics.SUPERVISOR_POLICIES);
        policies.pipeInput("acme", SupervisorPolicy.newBuilder().setTenant("acme").setSessionTokens(10L)
                .setUpdatedAt(Instant.now()).build());
        answer(ask("s1", "t1"), 10);
        assertThat(ask("s1", "t2")).isNull();
        assertStopped("session_tokens", Replies.SESSION_BUDGET);

        policies.pipeInput("acme", (SupervisorPolicy) null);
        assertThat(ask("s1", "t3").getMaxTokens()).isEqualTo(SESSION_TOKENS - 10);
    }
}
