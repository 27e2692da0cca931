package dev.switchboard.supervisor.streams;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.HandoffTarget;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;

/** Events the supervisor topology tests feed in. */
public final class TestEvents {

    private TestEvents() {
    }

    public static AgentDescriptor agent(String id, String description, List<String> scopes, String... handsOffTo) {
        return AgentDescriptor.newBuilder().setId(id).setDescription(description).setScopes(scopes)
                .setHandoffs(Arrays.stream(handsOffTo).map(to -> new HandoffTarget(to, "when needed")).toList())
                .setMaxIterations(6).setMaxTokens(8000).setTimeoutSeconds(30).setPublishedAt(Instant.now()).build();
    }

    /**
     * The concierge as every IT of this module publishes it: they share one application and one catalog, so they
     * publish the same declaration (three scopes, a handoff to support), whichever test runs first.
     */
    public static AgentDescriptor concierge() {
        return agent("concierge", "concierge", List.of("chat", "billing:read", "support:read"), "support");
    }

    public static TurnReceived turn(String tenant, String session, String turnId, Map<String, String> attributes, String text) {
        Envelope envelope = Envelope.newBuilder().setEventId("ev-" + turnId).setTenant(tenant).setSessionId(session)
                .setTurnId(turnId).setPrincipal(new Principal(tenant, "alice", attributes)).setChannel("webchat")
                .setOccurredAt(SupervisorDriver.START).build();
        return new TurnReceived(envelope, null, text);
    }

    public static TurnReceived turn(String tenant, String session, String turnId) {
        return turn(tenant, session, turnId, Map.of(), "hello");
    }

    /**
     * How the agent of {@code task} ended it, having used {@code tokens} (input plus output): with the task's
     * envelope and its ticket, as the agent host writes it.
     */
    public static AgentResult result(AgentTask task, Outcome outcome, long tokens) {
        return AgentResult.newBuilder().setEnvelope(task.getEnvelope()).setTaskId(task.getTaskId())
                .setAgent(task.getAgent()).setTicket(task.getTicket()).setOutcome(outcome)
                .setReply(outcome == Outcome.REPLY ? "answer of " + task.getAgent() : null)
                .setEscalation(outcome == Outcome.ESCALATION ? "the customer asks for a manager" : null)
                .setUsage(new Usage(tokens / 2, tokens - tokens / 2, 1)).build();
    }
}
