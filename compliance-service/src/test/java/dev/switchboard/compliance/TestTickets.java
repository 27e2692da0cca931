package dev.switchboard.compliance;

import java.util.List;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Usage;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Envelopes;

/**
 * Tasks with the supervisor's signed tickets, and results that carry them as the agent host copies them: signed with
 * the test key of {@code %test.switchboard.tasks.ticket-key}, the key the supervisor's tests use.
 */
public final class TestTickets {

    /** Base64 of "switchboard-test-ticket-key-32bytes!". */
    public static final String KEY = "c3dpdGNoYm9hcmQtdGVzdC10aWNrZXQta2V5LTMyYnl0ZXMh";
    public static final TaskTickets TICKETS = TaskTickets.fromBase64(KEY);
    /** A key compliance does not trust, for tickets that are well formed but not the supervisor's. */
    public static final TaskTickets FORGER = TaskTickets.fromBase64("Zm9yZ2VkLXRpY2tldC1rZXktdGhhdC1ub2JvZHktdHJ1c3Rz");

    private TestTickets() {
    }

    /** The task the supervisor gives {@code agent} for the turn of {@code turn}, with its ticket. */
    public static AgentTask task(Envelope turn, String agent) {
        Envelope envelope = Envelopes.derive(turn, "task/" + agent);
        AgentTask task = AgentTask.newBuilder().setEnvelope(envelope).setTaskId(envelope.getEventId()).setAgent(agent)
                .setText("a task").setMaxIterations(4).setMaxTokens(1000).build();
        task.setTicket(TICKETS.issue(task));
        return task;
    }

    /** The agent's reply to the task, with the task's ticket, as the agent host writes it. */
    public static AgentResult reply(AgentTask task, String text) {
        return AgentResult.newBuilder().setEnvelope(Envelopes.derive(task.getEnvelope(), "result"))
                .setTaskId(task.getTaskId()).setAgent(task.getAgent()).setOutcome(Outcome.REPLY).setReply(text)
                .setUsage(new Usage(10L, 5L, 1)).setSteps(List.of()).setTicket(task.getTicket()).build();
    }
}
