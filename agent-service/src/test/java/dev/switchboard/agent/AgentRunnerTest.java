package dev.switchboard.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.sdk.definition.AgentCatalog;
import dev.switchboard.agent.tools.AgentToolProcesses;
import dev.switchboard.agent.tools.ToolSettings;

import dev.switchboard.agent.model.OfflineModel;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.Role;
import dev.switchboard.events.StepKind;

public class AgentRunnerTest {

    static final AgentCatalog CATALOG = AgentRunner.discoverAgents();
    static final AgentRunner runner = new AgentRunner(List.of("concierge"), CATALOG,
            definition -> new OfflineModel(definition.id()), definition -> AgentToolProcesses.start(definition,
                    AgentRunner.agentClassNames(CATALOG), ToolSettings.defaults()));

    @AfterAll
    static void stopToolProcesses() {
        runner.close();
    }

    public static AgentTask task(String agent, String text, int maxIterations, long maxTokens) {
        Envelope envelope = Envelope.newBuilder().setEventId("task-ev").setTenant("acme").setSessionId("s1")
                .setTurnId("t1").setPrincipal(new Principal("acme", "alice", Map.of())).setChannel("webchat")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        return AgentTask.newBuilder().setEnvelope(envelope).setTaskId("task-1").setAgent(agent).setText(text)
                .setHistory(List.of(new ChatMessage(Role.USER, "earlier words here", null, "t0", Instant.now())))
                .setGrantedScopes(List.of("chat")).setMaxIterations(maxIterations).setMaxTokens(maxTokens).build();
    }

    @Test
    void theHostedAgentsAreFoundOnTheClassPath() {
        assertThat(AgentRunner.discoverAgents().agents()).extracting(d -> d.id())
                .contains("concierge", "billing-agent", "tech-support");
    }

    @Test
    void answersThroughTheAgentLoopWithTheOfflineModelAndReportsUsageAndSteps() {
        AgentResult result = runner.run(task("concierge", "where is my parcel", 3, 1000));
        assertThat(result.getOutcome()).isEqualTo(Outcome.REPLY);
        assertThat(result.getReply()).contains("offline model").contains("where is my parcel")
                .contains("Earlier messages in this session: 1");
        assertThat(result.getModel()).isEqualTo("offline-echo");
        assertThat(result.getUsage().getIterations()).isEqualTo(1);
        assertThat(result.getUsage().getInputTokens()).isGreaterThan(4);
        assertThat(result.getSteps()).singleElement().satisfies(step -> assertThat(step.getKind()).isEqualTo(StepKind.MODEL_CALL));
        assertThat(result.getEnvelope().getSessionId()).isEqualTo("s1");
        assertThat(result.getEnvelope().getEventId()).isNotEqualTo("task-ev");
    }

    @Test
    void theSameTaskAlwaysGivesTheSameReplyAndEventId() {
        AgentResult first = runner.run(task("concierge", "hi", 3, 1000));
        AgentResult second = runner.run(task("concierge", "hi", 3, 1000));
        assertThat(second.getReply()).isEqualTo(first.getReply());
        assertThat(second.getEnvelope().getEventId()).isEqualTo(first.getEnvelope().getEventId());
    }

    @Test
    void aTokenLimitBelowTheUsageEndsInAFailure() {
        AgentResult result = runner.run(task("concierge", "hi", 3, 5));
        assertThat(result.getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(result.getFailure().getCode()).isEqualTo("token_limit");
        assertThat(result.getReply()).isNull();
    }

    @Test
    void aTaskWhoseDeadlinePassedIsNotRunAndUsesNothing() {
        AgentTask late = task("concierge", "hi", 3, 1000);
        late.setDeadline(Instant.now().minusSeconds(1));
        AgentResult result = runner.run(late);
        assertThat(result.getFailure().getCode()).isEqualTo("deadline_passed");
        assertThat(result.getUsage().getInputTokens()).isZero();

        AgentTask inTime = task("concierge", "hi", 3, 1000);
        inTime.setDeadline(Instant.now().plusSeconds(30));
        assertThat(runner.run(inTime).getOutcome()).isEqualTo(Outcome.REPLY);
    }

    @Test
    void aTaskForAnAgentNotHostedHereFails() {
        assertThat(runner.run(task("billing-agent", "hi", 3, 1000)).getFailure().getCode()).isEqualTo("agent_not_hosted");
    }

    @Test
    void everyResultCarriesItsTasksTicketUnchangedWhateverTheOutcome() {
        String ticket = "signed-by-the-supervisor.abc";
        AgentTask reply = ticketed(task("concierge", "hi", 3, 1000), ticket);
        AgentTask overBudget = ticketed(task("concierge", "hi", 3, 5), ticket);
        AgentTask late = ticketed(task("concierge", "hi", 3, 1000), ticket);
        late.setDeadline(Instant.now().minusSeconds(1));
        AgentTask notHosted = ticketed(task("billing-agent", "hi", 3, 1000), ticket);

        assertThat(List.of(runner.run(reply), runner.run(overBudget), runner.run(late), runner.run(notHosted)))
                .satisfiesExactly(
                        result -> assertThat(result.getOutcome()).isEqualTo(Outcome.REPLY),
                        result -> assertThat(result.getFailure().getCode()).isEqualTo("token_limit"),
                        result -> assertThat(result.getFailure().getCode()).isEqualTo("deadline_passed"),
                        result -> assertThat(result.getFailure().getCode()).isEqualTo("agent_not_hosted"))
                .allSatisfy(result -> assertThat(result.getTicket()).isEqualTo(ticket));
        assertThat(runner.run(task("concierge", "hi", 3, 1000)).getTicket()).as("no ticket, none made up").isNull();
    }

    private static AgentTask ticketed(AgentTask task, String ticket) {
        task.setTicket(ticket);
        return task;
    }

    @Test
    void hostingAnAgentThatDoesNotExistFailsAtStart() {
        assertThatThrownBy(() -> new AgentRunner(List.of("no-such-agent"), AgentRunner.discoverAgents(),
                definition -> new OfflineModel(definition.id()), definition -> {
                    throw new AssertionError("no tool process for an agent that does not exist");
                }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-such-agent");
    }
}
