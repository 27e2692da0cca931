package dev.switchboard.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.Step;
import dev.switchboard.agent.sdk.testing.AgentTester;
import dev.switchboard.agent.sdk.testing.ScriptedModel;

class BillingAgentTest {

    static ScriptedModel refundingModel() {
        return ScriptedModel.create()
                .whenMessage(text -> text.contains("refund"))
                .callTool("refund", Map.of("invoiceId", "INV-1001", "amount", "10.00"))
                .thenReply(result -> "Refund result: " + result);
    }

    @Test
    void aRefundWithoutTheRefundScopeIsDeniedAndTheModelIsTold() {
        AgentTester tester = AgentTester.of(BillingAgent.class).taskId("task-denied-" + System.nanoTime());
        int before = tester.toolProcess().effectsOnRecord();
        LoopResult result = tester.model(refundingModel()).grant("billing:read").run("Please refund 10 EUR of INV-1001");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.steps()).extracting(Step::kind).contains(Step.Kind.TOOL_DENIED);
        assertThat(result.steps()).filteredOn(step -> step.kind() == Step.Kind.TOOL_DENIED)
                .singleElement().satisfies(step -> assertThat(step.name()).isEqualTo("refund"));
        assertThat(result.reply()).containsIgnoringCase("denied");
        assertThat(tester.toolProcess().effectsOnRecord()).isEqualTo(before);
    }

    @Test
    void aGrantedRefundRunsOnceEvenWhenTheTaskIsDeliveredTwice() {
        AgentTester tester = AgentTester.of(BillingAgent.class).grant("billing:read", "billing:refund")
                .taskId("task-refund-" + System.nanoTime());
        int before = tester.toolProcess().effectsOnRecord();

        LoopResult first = tester.model(refundingModel()).run("Please refund 10 EUR of INV-1001");
        LoopResult again = tester.model(refundingModel()).run("Please refund 10 EUR of INV-1001");

        assertThat(first.steps()).extracting(Step::kind).contains(Step.Kind.TOOL_CALL).doesNotContain(Step.Kind.TOOL_DENIED);
        assertThat(first.reply()).contains("RF-").contains("INV-1001");
        assertThat(again.reply()).isEqualTo(first.reply());
        assertThat(tester.toolProcess().effectsOnRecord()).isEqualTo(before + 1);
    }

    @Test
    void moreThanTheInvoiceIsNeverRefunded() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("refund", Map.of("invoiceId", "INV-1001", "amount", "500"))
                .thenReply(result -> "Result: " + result);
        LoopResult result = AgentTester.of(BillingAgent.class).model(model).grant("billing:read", "billing:refund")
                .run("refund everything");
        assertThat(result.reply()).contains("Only up to 49.00");
    }
}
