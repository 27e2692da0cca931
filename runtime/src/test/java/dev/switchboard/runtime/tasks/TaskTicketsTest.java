package dev.switchboard.runtime.tasks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.Usage;

class TaskTicketsTest {

    private final TaskTickets tickets = new TaskTickets(filled(32, 7));

    @Test
    void aResultCarryingItsTasksTicketIsAccepted() {
        AgentTask task = task("acme", "s-1", "alice");
        AgentResult result = resultFor(task, "acme", "s-1", "alice", tickets.issue(task));

        assertThat(tickets.refusal(result)).isEmpty();
        assertThat(tickets.verify(result.getTicket())).contains(TaskTickets.Claims.of(task));
    }

    @Test
    void aResultNamingAnotherTenantSessionOrUserIsRefused() {
        AgentTask task = task("acme", "s-1", "alice");
        String ticket = tickets.issue(task);

        assertThat(tickets.refusal(resultFor(task, "globex", "s-1", "alice", ticket))).contains("ticket_mismatch");
        assertThat(tickets.refusal(resultFor(task, "acme", "s-2", "alice", ticket))).contains("ticket_mismatch");
        assertThat(tickets.refusal(resultFor(task, "acme", "s-1", "mallory", ticket))).contains("ticket_mismatch");
    }

    @Test
    void aMissingForgedOrForeignTicketIsRefused() {
        AgentTask task = task("acme", "s-1", "alice");
        String ticket = tickets.issue(task);
        String foreign = new TaskTickets(filled(32, 9)).issue(task);
        String tampered = ticket.substring(0, ticket.indexOf('.')) + "." + foreign.substring(foreign.indexOf('.') + 1);

        assertThat(tickets.refusal(resultFor(task, "acme", "s-1", "alice", null))).contains("ticket_missing");
        assertThat(tickets.refusal(resultFor(task, "acme", "s-1", "alice", foreign))).contains("ticket_invalid");
        assertThat(tickets.refusal(resultFor(task, "acme", "s-1", "alice", tampered))).contains("ticket_invalid");
        assertThat(tickets.refusal(resultFor(task, "acme", "s-1", "alice", "not-a-ticket"))).contains("ticket_invalid");
        assertThat(tickets.refusal(resultFor(task, "acme", "s-1", "alice", "a.b.c"))).contains("ticket_invalid");
    }

    @Test
    void aShortKeyIsRejected() {
        assertThatThrownBy(() -> new TaskTickets(filled(16, 1))).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] filled(int length, int value) {
        byte[] key = new byte[length];
        Arrays.fill(key, (byte) value);
        return key;
    }

    private static Envelope envelope(String tenant, String session, String user) {
        return Envelope.newBuilder().setEventId("e-" + session).setTenant(tenant).setSessionId(session).setTurnId("t-1")
                .setPrincipal(Principal.newBuilder().setTenant(tenant).setUser(user).build()).setChannel("webchat")
                .setOccurredAt(Instant.EPOCH).build();
    }

    private static AgentTask task(String tenant, String session, String user) {
        return AgentTask.newBuilder().setEnvelope(envelope(tenant, session, user)).setTaskId("task-1")
                .setAgent("concierge").setText("hi").setMaxIterations(4).setMaxTokens(1000).build();
    }

    private static AgentResult resultFor(AgentTask task, String tenant, String session, String user, String ticket) {
        return AgentResult.newBuilder().setEnvelope(envelope(tenant, session, user)).setTaskId(task.getTaskId())
                .setAgent(task.getAgent()).setOutcome(Outcome.REPLY).setReply("hello")
                .setUsage(Usage.newBuilder().setInputTokens(1).setOutputTokens(1).setIterations(1).build())
                .setTicket(ticket).build();
    }
}
