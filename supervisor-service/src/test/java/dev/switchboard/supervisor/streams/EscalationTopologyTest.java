package dev.switchboard.supervisor.streams;

import static dev.switchboard.supervisor.streams.TestEvents.agent;
import static dev.switchboard.supervisor.streams.TestEvents.result;
import static dev.switchboard.supervisor.streams.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ControlAction;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.Replies;

/** Escalation through the real topology: the session goes to the human queue until it is released. */
class EscalationTopologyTest {

    SupervisorDriver supervisor;
    TestInputTopic<String, TurnReceived> turns;
    TestOutputTopic<String, AgentTask> agentTasks;
    TestOutputTopic<String, AgentTask> humanQueue;
    TestOutputTopic<String, ReplyOutbound> replies;
    TestOutputTopic<String, SupervisorDecision> decisions;
    KeyValueStore<String, SupervisorDecision> escalations;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(SupervisorDriver.Config.of("triage", List.of("chat"), 4, 10));
        supervisor.input(Topics.AGENTS_CATALOG).pipeInput("triage", agent("triage", "triage", List.of("chat")));
        turns = supervisor.input(Topics.TURNS_CLEARED);
        agentTasks = supervisor.tasksOf("triage");
        humanQueue = supervisor.output(Topics.HUMAN_QUEUE);
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
        decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        escalations = supervisor.driver.getKeyValueStore(TopologyProducer.ESCALATIONS_STORE);

        turns.pipeInput("s1", turn("acme", "s1", "t1"));
        AgentTask task = agentTasks.readValue();
        supervisor.input(Topics.AGENT_RESULTS_CLEARED).pipeInput("s1", result(task, Outcome.ESCALATION, 10));
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private void release(String tenant) {
        supervisor.input(Topics.SESSIONS_CONTROL).pipeInput("s1", SessionControl.newBuilder().setTenant(tenant)
                .setSessionId("s1").setAction(ControlAction.RELEASE).setActor("agent-mary").setAt(Instant.now()).build());
    }

    @Test
    void anEscalationPutsTheTurnOnTheHumanQueueWithItsReasonAndTellsTheUser() {
        assertThat(replies.readValue().getKind()).isEqualTo(ReplyKind.ESCALATION);
        AgentTask forPerson = humanQueue.readValue();
        assertThat(forPerson.getAgent()).isEqualTo("human");
        assertThat(forPerson.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        assertThat(forPerson.getHistory()).last().satisfies(m -> assertThat(m.getText()).contains("asks for a manager"));
        assertThat(forPerson.getEnvelope().getDelegationChain()).extracting(DelegationLink::getAgent)
                .containsExactly("triage", "human");
        SupervisorDecision escalated = decisions.readValue();
        assertThat(escalated.getKind()).isEqualTo(DecisionKind.ESCALATED);
        assertThat(escalations.get("s1")).isEqualTo(escalated);
        assertThat(supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE).get("t1")).isNull();
    }

    @Test
    void laterTurnsGoToTheHumanQueueUntilReleasedThenToAgentsAgain() {
        humanQueue.readValue();
        replies.readValue();
        decisions.readValue();

        turns.pipeInput("s1", turn("acme", "s1", "t2"));
        assertThat(agentTasks.isEmpty()).isTrue();
        assertThat(humanQueue.readValue().getEnvelope().getTurnId()).isEqualTo("t2");
        assertThat(replies.readValue().getText()).isEqualTo(Replies.WITH_HUMAN);
        assertThat(decisions.readValue().getKind()).isEqualTo(DecisionKind.QUEUED_FOR_HUMAN);

        release("globex");
        assertThat(escalations.get("s1")).as("another tenant cannot release it").isNotNull();
        assertThat(decisions.isEmpty()).isTrue();

        release("acme");
        assertThat(escalations.get("s1")).isNull();
        SupervisorDecision released = decisions.readValue();
        assertThat(released.getKind()).isEqualTo(DecisionKind.RELEASED);
        assertThat(released.getDetail()).contains("agent-mary");

        turns.pipeInput("s1", turn("acme", "s1", "t3"));
        assertThat(agentTasks.readValue().getEnvelope().getTurnId()).isEqualTo("t3");
        assertThat(humanQueue.isEmpty()).isTrue();
    }

    @Test
    void aRoutingRuleToHumanEscalatesBySessionPolicy() {
        supervisor.input(Topics.SUPERVISOR_POLICIES).pipeInput("acme", SupervisorPolicy.newBuilder().setTenant("acme")
                .setRules(List.of(RoutingRule.newBuilder().setPattern("complaint").setAgent("human").build()))
                .setUpdatedAt(Instant.now()).build());
        turns.pipeInput("s3", TestEvents.turn("acme", "s3", "t5", Map.of(), "I want to file a complaint"));

        assertThat(agentTasks.isEmpty()).isTrue();
        assertThat(humanQueue.readValuesToList()).extracting(task -> task.getEnvelope().getSessionId())
                .containsExactly("s1", "s3");
        SupervisorDecision byPolicy = escalations.get("s3");
        assertThat(byPolicy.getKind()).isEqualTo(DecisionKind.ESCALATED);
        assertThat(byPolicy.getCode()).isEqualTo("routing_policy");
        assertThat(supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE).get("t5"))
                .as("a person has no deadline").isNull();

        turns.pipeInput("s3", turn("acme", "s3", "t6"));
        assertThat(humanQueue.readValue().getEnvelope().getTurnId()).isEqualTo("t6");
    }

    @Test
    void otherSessionsAreNotAffected() {
        turns.pipeInput("s2", turn("acme", "s2", "t9"));
        assertThat(agentTasks.readValue().getEnvelope().getSessionId()).isEqualTo("s2");
    }
}
