package dev.switchboard.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.testing.AgentTester;
import dev.switchboard.agent.sdk.testing.ScriptedModel;

class TechSupportAgentTest {

    @Test
    void checksTheStatusOfTheComponentTheUserNames() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("API"))
                .callTool("service_status", Map.of("component", "API"))
                .thenReply(result -> "Status: " + result);
        LoopResult result = AgentTester.of(TechSupportAgent.class).model(model).run("The API is slow");
        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.reply()).contains("API: degraded");
    }

    @Test
    void handsABillingProblemOffToBilling() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("charged"))
                .callTool("handoff", Map.of("target", "billing-agent", "reason", "a charge question"))
                .thenReply("unused");
        LoopResult result = AgentTester.of(TechSupportAgent.class).model(model).run("I was charged twice");
        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.HANDOFF);
        assertThat(result.handoff().target()).isEqualTo("billing-agent");
    }

    @Test
    void cannotHandOffToAnAgentItDoesNotDeclare() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("handoff", Map.of("target", "concierge", "reason", "just because"))
                .thenReply(result -> "Tool said: " + result);
        LoopResult result = AgentTester.of(TechSupportAgent.class).model(model).run("hello");
        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.reply()).contains("concierge");
    }
}
