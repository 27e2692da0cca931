package dev.switchboard.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.Step;
import dev.switchboard.events.StepKind;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;

public class ClearingTest {

    final Clearing clearing = new Clearing();

    public static Envelope envelope(String eventId, String session) {
        return Envelope.newBuilder().setEventId(eventId).setTenant("acme").setSessionId(session).setTurnId("t1")
                .setPrincipal(new Principal("acme", "alice")).setChannel("webchat")
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    }

    @Test
    void aTurnIsRedactedAndGetsADerivedEventId() {
        var cleared = clearing.turn(new TurnReceived(envelope("e1", "s1"), "m1", "I am alice@example.com"));
        assertThat(cleared.event().getText()).isEqualTo("I am [EMAIL]");
        assertThat(cleared.event().getChannelMessageId()).isEqualTo("m1");
        assertThat(cleared.event().getEnvelope().getEventId()).isNotEqualTo("e1")
                .isEqualTo(clearing.turn(new TurnReceived(envelope("e1", "s1"), "m1", "other")).event().getEnvelope().getEventId());
        assertThat(cleared.audit().eventId()).isEqualTo("e1");
        assertThat(cleared.audit().eventType()).isEqualTo("TURN_RECEIVED");
        assertThat(cleared.audit().content()).isEqualTo("I am [EMAIL]");
        assertThat(cleared.audit().redactions()).isEqualTo(1);
    }

    @Test
    void everyTextOfAnAgentResultIsRedacted() {
        AgentResult raw = AgentResult.newBuilder().setEnvelope(envelope("e2", "s1")).setTaskId("task").setAgent("concierge")
                .setOutcome(Outcome.HANDOFF).setReply("reply to a@example.com")
                .setHandoff(new Handoff("billing-agent", "b@example.com asked", "context c@example.com"))
                .setEscalation("d@example.com").setFailure(new Failure("x", "e@example.com"))
                .setUsage(new Usage(1L, 2L, 1))
                .setSteps(List.of(new Step(StepKind.TOOL_CALL, "lookup", "f@example.com", 3L)))
                .build();
        var cleared = clearing.result(raw);
        AgentResult out = cleared.event();
        assertThat(List.of(out.getReply(), out.getHandoff().getReason(), out.getHandoff().getContext(),
                out.getEscalation(), out.getFailure().getMessage(), out.getSteps().get(0).getDetail()))
                .allSatisfy(text -> assertThat(text).contains("[EMAIL]").doesNotContain("@example.com"));
        assertThat(cleared.audit().redactions()).isEqualTo(6);
        assertThat(cleared.audit().content()).startsWith("HANDOFF").doesNotContain("@example.com");
        assertThat(out.getHandoff().getTarget()).isEqualTo("billing-agent");
        assertThat(out.getUsage()).isEqualTo(raw.getUsage());
    }
}
