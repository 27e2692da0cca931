package dev.switchboard.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.testing.AgentTester;
import dev.switchboard.agent.sdk.testing.ScriptedModel;

class ConciergeAgentTest {

    @Test
    void answersFromTheFaq() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("open"))
                .callTool("faq", Map.of("topic", "opening-hours"))
                .thenReply(result -> result);
        LoopResult result = AgentTester.of(ConciergeAgent.class).model(model).run("When are you open?");
        assertThat(result.reply()).contains("Monday to Friday");
    }

    @Test
    void aModelThatKeepsCallingToolsIsStoppedAtTheAgentsIterationLimit() {
        ScriptedModel looping = ScriptedModel.create().alwaysCallTool("faq", Map.of("topic", "contact"));
        LoopResult result = AgentTester.of(ConciergeAgent.class).model(looping).run("hi");
        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.FAILURE);
        assertThat(result.failure().code()).isEqualTo(LoopResult.ITERATION_LIMIT);
        assertThat(result.usage().iterations()).isEqualTo(4);
    }

    @Test
    void handsBillingQuestionsToBilling() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("invoice"))
                .callTool("handoff", Map.of("target", "billing-agent", "reason", "invoice question"))
                .thenReply("unused");
        LoopResult result = AgentTester.of(ConciergeAgent.class).model(model).run("Where is my invoice?");
        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.HANDOFF);
        assertThat(result.handoff().target()).isEqualTo("billing-agent");
    }
}
