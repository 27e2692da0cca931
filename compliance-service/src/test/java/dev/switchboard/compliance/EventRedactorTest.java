package dev.switchboard.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;

class EventRedactorTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aTurnIsRedactedAndGetsTheDerivedEventId() throws Exception {
        TurnReceived raw = TestEvents.turn("e1", "s1", "I am alice@example.com, or alice@work.example.com");

        Cleared<TurnReceived> cleared = EventRedactor.clear(raw);

        assertThat(cleared.event().getText()).isEqualTo("I am [EMAIL], or [EMAIL]");
        assertThat(cleared.redactions()).isEqualTo(2);
        assertThat(cleared.event().getChannelMessageId()).isEqualTo("m-e1");
        assertThat(cleared.event().getEnvelope().getEventId()).isEqualTo(Envelopes.derivedId("e1", "cleared"));
        assertThat(cleared.event().getEnvelope().getSessionId()).isEqualTo("s1");
        assertThat(cleared.event().getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        assertThat(JSON.readTree(cleared.content()).get("text").asText()).isEqualTo("I am [EMAIL], or [EMAIL]");
    }

    @Test
    void theRawEventIsLeftUntouched() {
        TurnReceived raw = TestEvents.turn("e1", "s1", "I am alice@example.com");
        EventRedactor.clear(raw);
        assertThat(raw.getText()).isEqualTo("I am alice@example.com");
        assertThat(raw.getEnvelope().getEventId()).isEqualTo("e1");
    }

    @Test
    void everyFreeTextFieldOfAnAgentResultIsRedacted() throws Exception {
        AgentResult raw = TestEvents.resultWithAddressesEverywhere("e2", "s1");

        Cleared<AgentResult> cleared = EventRedactor.clear(raw);

        AgentResult out = cleared.event();
        assertThat(List.of(out.getReply(), out.getHandoff().getReason(), out.getHandoff().getContext(),
                out.getEscalation(), out.getFailure().getMessage(), out.getSteps().get(0).getDetail()))
                .allSatisfy(text -> assertThat(text).contains("[EMAIL]").doesNotContain("@example.org"));
        assertThat(cleared.redactions()).isEqualTo(6);
        assertThat(out.getEnvelope().getEventId()).isEqualTo(Envelopes.derivedId("e2", "cleared"));
        assertThat(out.getHandoff().getTarget()).isEqualTo("billing-agent");
        assertThat(out.getFailure().getCode()).isEqualTo("TOOL");
        assertThat(out.getSteps().get(0).getName()).isEqualTo("lookup");
        assertThat(out.getUsage()).isEqualTo(raw.getUsage());
        assertThat(out.getModel()).isEqualTo("offline");

        assertThat(cleared.content()).doesNotContain("@example.org");
        JsonNode content = JSON.readTree(cleared.content());
        assertThat(content.get("outcome").asText()).isEqualTo("HANDOFF");
        assertThat(content.get("reply").asText()).isEqualTo("I wrote to [EMAIL]");
        assertThat(content.get("handoff").get("target").asText()).isEqualTo("billing-agent");
        assertThat(content.get("steps").get(0).get("detail").asText()).isEqualTo("looked up [EMAIL]");
    }

    @Test
    void aResultWithoutTextNeedsNoRedaction() {
        AgentResult raw = TestEvents.resultWithAddressesEverywhere("e3", "s1");
        AgentResult bare = AgentResult.newBuilder()
                .setEnvelope(raw.getEnvelope()).setTaskId("t").setAgent("concierge").setOutcome(raw.getOutcome())
                .setUsage(raw.getUsage()).build();

        Cleared<AgentResult> cleared = EventRedactor.clear(bare);

        assertThat(cleared.redactions()).isZero();
        assertThat(cleared.event().getReply()).isNull();
        assertThat(cleared.event().getHandoff()).isNull();
        assertThat(cleared.event().getSteps()).isEmpty();
    }

    @Test
    void aDecisionIsAuditedWithItsDetailRedacted() throws Exception {
        var decision = TestEvents.decision("e1", "s1", DecisionKind.ESCALATED, "agent_escalated",
                "escalated for ivan@example.com", "concierge", "task-1");

        EventRedactor.AuditContent content = EventRedactor.auditContent(decision);

        assertThat(content.redactions()).isEqualTo(1);
        JsonNode json = JSON.readTree(content.json());
        assertThat(json.get("detail").asText()).isEqualTo("escalated for [EMAIL]");
        assertThat(json.size()).isEqualTo(1);
        assertThat(decision.getDetail()).isEqualTo("escalated for ivan@example.com");
    }
}
