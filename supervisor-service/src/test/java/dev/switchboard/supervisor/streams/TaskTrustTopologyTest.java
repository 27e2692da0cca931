package dev.switchboard.supervisor.streams;

import static dev.switchboard.supervisor.streams.TestEvents.agent;
import static dev.switchboard.supervisor.streams.TestEvents.result;
import static dev.switchboard.supervisor.streams.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topics;

/**
 * Agent output never chooses its audience: every task the supervisor issues carries a ticket naming whom it is
 * for, a result counts only with its task's own id and ticket, and whatever follows from a result is addressed by
 * the task the supervisor stored, never by the result's envelope.
 */
class TaskTrustTopologyTest {

    /** An identity no task was issued for: nothing may ever be addressed to it. */
    static final Envelope FORGED = Envelope.newBuilder().setEventId("forged-ev").setTenant("evil")
            .setSessionId("s-evil").setTurnId("t1").setPrincipal(new Principal("evil", "mallory", Map.of()))
            .setChannel("whatsapp").setOccurredAt(SupervisorDriver.START).build();

    SupervisorDriver supervisor;
    TestInputTopic<String, AgentResult> results;
    TestOutputTopic<String, AgentTask> triageTasks;
    TestOutputTopic<String, AgentTask> supportTasks;
    TestOutputTopic<String, AgentTask> humanQueue;
    TestOutputTopic<String, ReplyOutbound> replies;
    TestOutputTopic<String, SupervisorDecision> decisions;
    TestOutputTopic<String, TenantUsage> tenantUsage;
    KeyValueStore<String, AgentTask> inProgress;
    KeyValueStore<String, SessionUsage> sessionUsage;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(SupervisorDriver.Config.of("triage", List.of("chat"), 4, 10));
        var catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("triage", agent("triage", "triage", List.of("chat"), "support"));
        catalog.pipeInput("support", agent("support", "support", List.of("chat")));
        results = supervisor.input(Topics.AGENT_RESULTS_CLEARED);
        triageTasks = supervisor.tasksOf("triage");
        supportTasks = supervisor.tasksOf("support");
        humanQueue = supervisor.output(Topics.HUMAN_QUEUE);
        replies = supervisor.output(Topics.REPLIES_OUTBOUND);
        decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        tenantUsage = supervisor.output(Topics.TENANT_USAGE);
        inProgress = supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE);
        sessionUsage = supervisor.driver.getKeyValueStore(TopologyProducer.SESSION_USAGE_STORE);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private AgentTask firstTask() {
        supervisor.input(Topics.TURNS_CLEARED).pipeInput("s1", turn("acme", "s1", "t1"));
        return triageTasks.readValue();
    }

    /** The ticket verifies with the shared key and states exactly the task's identity. */
    private static void assertTicketed(AgentTask task) {
        assertThat(task.getTicket()).as("ticket of a task for " + task.getAgent()).isNotNull();
        assertThat(SupervisorDriver.TICKETS.verify(task.getTicket())).contains(TaskTickets.Claims.of(task));
    }

    /** A result with the task's id and ticket whose envelope names another tenant, session, user and channel. */
    private static AgentResult forgedEnvelope(AgentTask task, Outcome outcome) {
        AgentResult forged = result(task, outcome, 10);
        forged.setEnvelope(FORGED);
        return forged;
    }

    /** Everything the supervisor wrote: none of it names the forged tenant, session or user. */
    private void assertNothingAddressedToTheForgedIdentity(List<Envelope> written) {
        assertThat(written).isNotEmpty().allSatisfy(envelope -> {
            assertThat(envelope.getTenant()).isEqualTo("acme");
            assertThat(envelope.getSessionId()).isEqualTo("s1");
            assertThat(envelope.getPrincipal().getUser()).isEqualTo("alice");
            assertThat(envelope.getPrincipal().getTenant()).isEqualTo("acme");
            assertThat(envelope.getChannel()).isEqualTo("webchat");
        });
    }

    private List<Envelope> everythingWritten() {
        List<Envelope> written = new ArrayList<>();
        replies.readValuesToList().forEach(reply -> written.add(reply.getEnvelope()));
        decisions.readValuesToList().forEach(decision -> written.add(decision.getEnvelope()));
        triageTasks.readValuesToList().forEach(task -> written.add(task.getEnvelope()));
        supportTasks.readValuesToList().forEach(task -> written.add(task.getEnvelope()));
        humanQueue.readValuesToList().forEach(task -> written.add(task.getEnvelope()));
        assertThat(tenantUsage.readValuesToList()).extracting(TenantUsage::getTenant).doesNotContain("evil");
        return written;
    }

    @Test
    void everyTaskTheSupervisorIssuesCarriesAValidTicketForExactlyThatTask() {
        AgentTask triage = firstTask();
        assertTicketed(triage);
        assertThat(inProgress.get("t1").getTicket()).as("stored with its ticket").isEqualTo(triage.getTicket());

        results.pipeInput("s1", DelegationTopologyTest.handoff(triage, "support"));
        AgentTask support = supportTasks.readValue();
        assertTicketed(support);
        assertThat(support.getTicket()).isNotEqualTo(triage.getTicket());

        results.pipeInput("s1", result(support, Outcome.ESCALATION, 1));
        AgentTask forPerson = humanQueue.readValue();
        assertTicketed(forPerson);

        supervisor.input(Topics.TURNS_CLEARED).pipeInput("s1", turn("acme", "s1", "t2"));
        assertTicketed(humanQueue.readValue());

        supervisor.input(Topics.SUPERVISOR_POLICIES).pipeInput("acme", SupervisorPolicy.newBuilder().setTenant("acme")
                .setRules(List.of(RoutingRule.newBuilder().setPattern("complaint").setAgent("human").build()))
                .setUpdatedAt(Instant.now()).build());
        supervisor.input(Topics.TURNS_CLEARED).pipeInput("s2",
                turn("acme", "s2", "t3", Map.of(), "I have a complaint"));
        assertTicketed(humanQueue.readValue());
    }

    @Test
    void aReplyWhoseEnvelopeNamesAnotherTenantSessionAndUserGoesToTheTasksOwnSessionAndPrincipal() {
        AgentTask task = firstTask();
        results.pipeInput("s1", forgedEnvelope(task, Outcome.REPLY));

        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.AGENT_REPLY);
        assertThat(reply.getEnvelope().getTurnId()).isEqualTo("t1");
        assertThat(reply.getAgent()).isEqualTo("triage");
        assertNothingAddressedToTheForgedIdentity(List.of(reply.getEnvelope()));
        assertThat(sessionUsage.get("s1").getTenant()).isEqualTo("acme");
        assertThat(tenantUsage.readKeyValuesToMap()).as("debited to the task's tenant").containsOnlyKeys("acme/2026-03-02");
        assertThat(everythingWritten()).isEmpty();
    }

    @Test
    void anEscalationWithAForgedEnvelopeGoesToAPersonUnderTheTasksIdentity() {
        AgentTask task = firstTask();
        results.pipeInput("s1", forgedEnvelope(task, Outcome.ESCALATION));
        assertNothingAddressedToTheForgedIdentity(everythingWritten());
        assertThat(supervisor.driver.<String, SupervisorDecision>getKeyValueStore(TopologyProducer.ESCALATIONS_STORE)
                .get("s1").getEnvelope().getTenant()).isEqualTo("acme");
    }

    @Test
    void aHandoffWithAForgedEnvelopeIsRefusedUnderTheTasksIdentity() {
        AgentTask task = firstTask();
        AgentResult handoff = DelegationTopologyTest.handoff(task, "support");
        handoff.setEnvelope(FORGED);
        results.pipeInput("s1", handoff);

        assertThat(supportTasks.isEmpty()).isTrue();
        List<Envelope> written = new ArrayList<>();
        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.FAILURE);
        written.add(reply.getEnvelope());
        SupervisorDecision refused = decisions.readValue();
        assertThat(refused.getKind()).isEqualTo(DecisionKind.HANDOFF_REFUSED);
        written.add(refused.getEnvelope());
        assertNothingAddressedToTheForgedIdentity(written);
    }

    @Test
    void aResultThatNamesAnotherAgentIsStillAnsweredAsTheTasksAgent() {
        AgentTask task = firstTask();
        AgentResult impostor = DelegationTopologyTest.handoff(task, "support");
        impostor.setAgent("support"); // support declares no handoff to support; triage declares one
        results.pipeInput("s1", impostor);
        AgentTask next = supportTasks.readValue();
        assertThat(next.getHistory()).last().satisfies(m -> assertThat(m.getText()).startsWith("Handed over by triage"));
    }

    @Test
    void aResultWithTheCurrentTaskIdButAnotherTicketIsNotTheTasksAndChangesNothing() {
        AgentTask task = firstTask();
        AgentTask other = AgentTask.newBuilder(task)
                .setEnvelope(Envelope.newBuilder(task.getEnvelope()).setSessionId("s-evil").build()).build();
        AgentResult wrongTicket = result(task, Outcome.REPLY, 500);
        wrongTicket.setTicket(SupervisorDriver.TICKETS.issue(other));
        results.pipeInput("s1", wrongTicket);
        AgentResult noTicket = result(task, Outcome.REPLY, 500);
        noTicket.setTicket(null);
        results.pipeInput("s1", noTicket);

        assertThat(replies.isEmpty()).as("not delivered").isTrue();
        List<SupervisorDecision> ignored = decisions.readValuesToList();
        assertThat(ignored).hasSize(2).allSatisfy(decision -> {
            assertThat(decision.getKind()).isEqualTo(DecisionKind.LATE_RESULT);
            assertThat(decision.getCode()).isEqualTo("not_current_task");
            assertThat(decision.getEnvelope().getSessionId()).as("audited under the stored task").isEqualTo("s1");
            assertThat(decision.getDetail()).contains("not debited");
        });
        assertThat(sessionUsage.get("s1")).as("not debited").isNull();
        assertThat(inProgress.get("t1")).as("the turn still waits for its task").isNotNull();

        results.pipeInput("s1", result(task, Outcome.REPLY, 5));
        assertThat(replies.readValue().getKind()).as("the genuine result is still answered").isEqualTo(ReplyKind.AGENT_REPLY);
        assertThat(sessionUsage.get("s1").getTokens()).isEqualTo(5);
    }

    @Test
    void aResultForNoTurnInProgressWithAnInvalidTicketIsOnlyAuditedAndNeverDebited() {
        AgentTask task = firstTask();
        AgentResult stray = result(task, Outcome.REPLY, 500);
        stray.setEnvelope(Envelope.newBuilder(FORGED).setTurnId("turn-nobody-started").build());
        stray.setTaskId("task-nobody-issued");
        stray.setTicket("not.a-ticket");
        results.pipeInput("s-evil", stray);

        var written = decisions.readKeyValuesToList();
        assertThat(written).singleElement().satisfies(decision -> {
            assertThat(decision.key).as("keyed by the record key").isEqualTo("s-evil");
            assertThat(decision.value.getKind()).isEqualTo(DecisionKind.LATE_RESULT);
            assertThat(decision.value.getCode()).isEqualTo("turn_not_in_progress");
        });
        assertThat(replies.isEmpty()).isTrue();
        assertThat(humanQueue.isEmpty()).isTrue();
        assertThat(tenantUsage.isEmpty()).as("no tenant is debited").isTrue();
        assertThat(sessionUsage.get("s-evil")).isNull();
        assertThat(SupervisorDriver.settledAt(supervisor, "task-nobody-issued"))
                .as("not settled, so it can never block a real task").isEmpty();
    }
}
