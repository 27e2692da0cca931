package dev.switchboard.compliance;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.Step;
import dev.switchboard.events.StepKind;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;

/** Raw events for tests. */
public final class TestEvents {

    private TestEvents() {
    }

    public static Envelope envelope(String eventId, String session) {
        return Envelope.newBuilder().setEventId(eventId).setTenant("acme").setSessionId(session).setTurnId("t1")
                .setPrincipal(Principal.newBuilder().setTenant("acme").setUser("alice").build())
                .setChannel("webchat")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
    }

    /** A turn of a user of another tenant. */
    public static TurnReceived turn(String tenant, String user, String eventId, String session, String text) {
        Envelope envelope = envelope(eventId, session);
        envelope.setTenant(tenant);
        envelope.setPrincipal(Principal.newBuilder().setTenant(tenant).setUser(user).build());
        return TurnReceived.newBuilder().setEnvelope(envelope).setChannelMessageId("m-" + eventId).setText(text).build();
    }

    public static TurnReceived turn(String eventId, String session, String text) {
        return TurnReceived.newBuilder().setEnvelope(envelope(eventId, session)).setChannelMessageId("m-" + eventId)
                .setText(text).build();
    }

    /** A handoff that carries an address in every free-text field: six in all. */
    public static AgentResult resultWithAddressesEverywhere(String eventId, String session) {
        return AgentResult.newBuilder()
                .setEnvelope(envelope(eventId, session))
                .setTaskId("task-1")
                .setAgent("concierge")
                .setOutcome(Outcome.HANDOFF)
                .setReply("I wrote to carol@example.org")
                .setHandoff(Handoff.newBuilder().setTarget("billing-agent")
                        .setReason("dave@example.org asked about an invoice")
                        .setContext("account owner: erin@example.org").build())
                .setEscalation("call frank@example.org")
                .setFailure(Failure.newBuilder().setCode("TOOL").setMessage("no mailbox grace@example.org").build())
                .setUsage(Usage.newBuilder().setInputTokens(3).setOutputTokens(4).setIterations(1).build())
                .setSteps(List.of(Step.newBuilder().setKind(StepKind.TOOL_CALL).setName("lookup")
                        .setDetail("looked up heidi@example.org").setDurationMillis(5).build()))
                .setModel("offline")
                .build();
    }

    /** A decision of the supervisor; {@code agent} and {@code taskId} may be null. */
    public static SupervisorDecision decision(String eventId, String session, DecisionKind kind, String code,
            String detail, String agent, String taskId) {
        return SupervisorDecision.newBuilder().setEnvelope(envelope(eventId, session)).setKind(kind).setCode(code)
                .setDetail(detail).setAgent(agent).setTaskId(taskId).build();
    }
}
