package dev.switchboard.supervisor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.HandoffTarget;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

/** Handoffs through the real topology: chains, narrowing scopes, refusals and the hop limit. */
public class DelegationTopologyTest {

    static final SupervisorConfig CONFIG = SupervisorDriver.Config.of("triage",
            List.of("chat", "billing:read", "support:read"), 4, 10);

    SupervisorDriver supervisor;
    TestInputTopic<String, TurnReceived> turns;
    TestInputTopic<String, AgentResult> results;
    TestOutputTopic<String, ReplyOutbound> replies;
    TestOutputTopic<String, SupervisorDecision> decisions;
    KeyValueStore<String, AgentTask> inProgress;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(CONFIG);
        turns = supervisor.input(Topics.TURNS_CLEARED);
        results = supervisor.input(Topics.AGENT_RESULTS_CLEARED);
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
        decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        TestInputTopic<String, AgentDescriptor> catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("triage", TestEvents.agent("triage", "triage", List.of("chat", "billing:read", "support:read"), "support"));
        catalog.pipeInput("support", TestEvents.agent("support", "support", List.of("support:read", "billing:read"), "billing"));
        catalog.pipeInput("billing", TestEvents.agent("billing", "billing", List.of("billing:read", "billing:refund"), "triage"));
        inProgress = supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private TestOutputTopic<String, AgentTask> tasksOf(String agent) {
        return supervisor.tasksOf(agent);
    }

    static Envelope envelope(String user) {
        return Envelope.newBuilder().setEventId("turn-ev").setTenant("acme").setSessionId("s1").setTurnId("t1")
                .setPrincipal(new Principal("acme", user, Map.of())).setChannel("webchat")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    /** The result of a task: a handoff to {@code target}, from the task's own envelope and with its ticket. */
    static AgentResult handoff(AgentTask task, String target) {
        return AgentResult.newBuilder().setEnvelope(task.getEnvelope()).setTaskId(task.getTaskId())
                .setAgent(task.getAgent()).setTicket(task.getTicket()).setOutcome(Outcome.HANDOFF)
                .setHandoff(new Handoff(target, "needs " + target, "order A-1"))
                .setUsage(new Usage(1L, 1L, 1)).build();
    }

    AgentTask firstTask() {
        turns.pipeInput("s1", new TurnReceived(envelope("alice"), null, "my invoice is wrong and the app crashes"));
        return tasksOf("triage").readValue();
    }

    @Test
    void aHandoffBecomesTheTargetsTaskWithTheSamePrincipalNarrowedScopesAndOneMoreLink() {
        AgentTask triage = firstTask();
        results.pipeInput("s1", handoff(triage, "support"));

        AgentTask support = tasksOf("support").readValue();
        assertThat(support.getAgent()).isEqualTo("support");
        assertThat(support.getText()).isEqualTo("my invoice is wrong and the app crashes");
        assertThat(support.getEnvelope().getPrincipal()).isEqualTo(triage.getEnvelope().getPrincipal());
        assertThat(support.getGrantedScopes()).containsExactly("billing:read", "support:read");
        assertThat(support.getHop()).isEqualTo(1);
        assertThat(support.getEnvelope().getDelegationChain()).extracting(DelegationLink::getAgent)
                .containsExactly("triage", "support");
        assertThat(support.getHistory()).last().satisfies(m -> assertThat(m.getText()).contains("order A-1"));
        assertThat(inProgress.get("t1").getTaskId()).isEqualTo(support.getTaskId());
        assertThat(replies.isEmpty()).isTrue();
    }

    @Test
    void scopesNeverWidenAcrossThreeHops() {
        AgentTask task = firstTask();
        List<List<String>> granted = new ArrayList<>(List.of(task.getGrantedScopes()));
        for (String next : List.of("support", "billing", "triage")) {
            results.pipeInput("s1", handoff(task, next));
            task = tasksOf(next).readValue();
            granted.add(task.getGrantedScopes());
        }
        for (int i = 1; i < granted.size(); i++) {
            assertThat(granted.get(i)).isSubsetOf(granted.get(i - 1));
        }
        assertThat(granted).noneSatisfy(scopes -> assertThat(scopes).contains("billing:refund"));
        assertThat(task.getEnvelope().getDelegationChain()).hasSize(4);
        assertThat(task.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
    }

    @Test
    void aHandoffTheDelegatorDoesNotDeclareIsRefused() {
        AgentTask triage = firstTask();
        results.pipeInput("s1", handoff(triage, "billing"));
        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.FAILURE);
        assertThat(reply.getText()).contains("handoff_undeclared");
        assertThat(tasksOf("billing").isEmpty()).isTrue();
        SupervisorDecision refused = decisions.readValue();
        assertThat(refused.getKind()).isEqualTo(DecisionKind.HANDOFF_REFUSED);
        assertThat(refused.getCode()).isEqualTo("handoff_undeclared");
        assertThat(refused.getTaskId()).isEqualTo(triage.getTaskId());
        assertThat(inProgress.get("t1")).isNull();
    }

    @Test
    void aHandoffThatChangesTheUserIsRefused() {
        AgentTask triage = firstTask();
        AgentResult forged = handoff(triage, "support");
        forged.setEnvelope(envelope("mallory"));
        results.pipeInput("s1", forged);
        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getText()).contains("handoff_cross_tenant");
        assertThat(reply.getEnvelope().getPrincipal().getUser()).as("answered under the task's identity").isEqualTo("alice");
        assertThat(tasksOf("support").isEmpty()).isTrue();
        SupervisorDecision refused = decisions.readValue();
        assertThat(refused.getCode()).isEqualTo("handoff_cross_tenant");
        assertThat(refused.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
    }

    @Test
    void aHandoffToADeclaredAgentMissingFromTheCatalogIsRefused() {
        supervisor.input(Topics.AGENTS_CATALOG).pipeInput("triage",
                TestEvents.agent("triage", "triage", List.of("chat"), "support", "retired-agent"));
        AgentTask triage = firstTask();
        results.pipeInput("s1", handoff(triage, "retired-agent"));

        assertRefusedAsUnknown(triage, "retired-agent");
    }

    @Test
    void aHandoffToACataloguedAgentWhoseIdIsNotKebabCaseIsRefused() {
        TestInputTopic<String, AgentDescriptor> catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("Billing_Agent", TestEvents.agent("Billing_Agent", "billing", List.of("chat")));
        catalog.pipeInput("triage", TestEvents.agent("triage", "triage", List.of("chat"), "Billing_Agent"));
        AgentTask triage = firstTask();
        results.pipeInput("s1", handoff(triage, "Billing_Agent"));

        assertRefusedAsUnknown(triage, "Billing_Agent");
    }

    /** Refused like any handoff: a FAILURE reply and an audited decision, the turn ended, nothing dead-lettered. */
    private void assertRefusedAsUnknown(AgentTask triage, String target) {
        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.FAILURE);
        assertThat(reply.getText()).contains("handoff_unknown_agent");
        SupervisorDecision refused = decisions.readValue();
        assertThat(refused.getKind()).isEqualTo(DecisionKind.HANDOFF_REFUSED);
        assertThat(refused.getCode()).isEqualTo("handoff_unknown_agent");
        assertThat(refused.getDetail()).contains(target);
        assertThat(refused.getTaskId()).isEqualTo(triage.getTaskId());
        assertThat(inProgress.get("t1")).isNull();
        assertThat(supervisor.driver.producedTopicNames()).noneMatch(topic -> topic.startsWith("agent.")
                && !topic.equals(Topics.agentTasks("triage").name())).doesNotContain(Topics.DEAD_LETTERS.name());
    }

    @Test
    void theHopLimitEndsTheTurnExactlyAtTheLimit() {
        AgentTask task = firstTask();
        for (String next : List.of("support", "billing", "triage")) {
            results.pipeInput("s1", handoff(task, next));
            task = tasksOf(next).readValue();
        }
        assertThat(task.getHop()).isEqualTo(3);
        results.pipeInput("s1", handoff(task, "support"));
        assertThat(tasksOf("support").isEmpty()).isTrue();
        assertThat(replies.readValue().getKind()).isEqualTo(ReplyKind.LIMIT);
        assertThat(decisions.readValue().getKind()).isEqualTo(DecisionKind.HOP_LIMIT);
        assertThat(inProgress.get("t1")).isNull();
    }

    @Test
    void aReplyEndsTheTurnAndForgetsItsTask() {
        AgentTask triage = firstTask();
        assertThat(inProgress.get("t1")).isNotNull();
        results.pipeInput("s1", AgentResult.newBuilder().setEnvelope(triage.getEnvelope()).setTaskId(triage.getTaskId())
                .setAgent("triage").setTicket(triage.getTicket()).setOutcome(Outcome.REPLY).setReply("done").setUsage(new Usage(1L, 1L, 1)).build());
        assertThat(replies.readValue().getText()).isEqualTo("done");
        assertThat(inProgress.get("t1")).isNull();
    }
}
