package dev.switchboard.agent.sdk.loop;

import dev.switchboard.agent.sdk.example.BillingAgent;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.agent.sdk.testing.AgentTester;
import dev.switchboard.agent.sdk.testing.ScriptedModel;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AgentLoopTest {

    private static String lastToolResult(ScriptedModel model) {
        List<ModelRequest> requests = model.requests();
        List<ChatMessage> messages = requests.get(requests.size() - 1).messages();
        return messages.get(messages.size() - 1).text();
    }

    @Test
    void repliesAfterCallingATool() {
        ScriptedModel model = ScriptedModel.create()
                .whenMessage(text -> text.contains("invoice")).callTool("invoice", Map.of("invoiceId", "INV-1"))
                .thenReply(result -> "Found: " + result);

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("Show my invoice INV-1");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.reply()).isEqualTo("Found: {\"id\":\"INV-1\",\"amount\":42.00,\"status\":\"PAID\"}");
        assertThat(result.steps()).extracting(Step::kind)
                .containsExactly(Step.Kind.MODEL_CALL, Step.Kind.TOOL_CALL, Step.Kind.MODEL_CALL);
        assertThat(result.usage()).isEqualTo(new LoopResult.Usage(200, 40, 2));
        assertThat(result.model()).isEqualTo("scripted");
        assertThat(model.requests().get(0).tools()).extracting(t -> t.name())
                .containsExactly("invoice", "refund", "handoff", "escalate_to_human");
    }

    @Test
    void deniedToolDoesNotRunIsRecordedAndTheModelIsTold() {
        ScriptedModel model = ScriptedModel.create()
                .whenMessage(text -> text.contains("refund"))
                .callTool("refund", Map.of("invoiceId", "INV-1", "amount", 10))
                .thenReply("Sorry, I cannot refund");

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).grant("billing:read")
                .taskId("task-denied").run("I want a refund");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.steps()).extracting(Step::kind)
                .containsExactly(Step.Kind.MODEL_CALL, Step.Kind.TOOL_DENIED, Step.Kind.MODEL_CALL);
        Step denied = result.steps().get(1);
        assertThat(denied.name()).isEqualTo("refund");
        assertThat(denied.detail()).isEqualTo("scope 'billing:refund' is not granted for this task");
        assertThat(lastToolResult(model)).isEqualTo("Denied: tool 'refund' did not run because scope "
                + "'billing:refund' is not granted for this task. Do not try it again; tell the user what you "
                + "cannot do.");
    }

    @Test
    void scopeGrantedButNotDeclaredByTheAgentDoesNotWidenIt() {
        ScriptedModel model = ScriptedModel.create()
                .whenMessage(text -> true).callTool("invoice", Map.of("invoiceId", "INV-1")).thenReply("ok");

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).grant("admin:all").run("invoice?");

        assertThat(result.steps().get(1).kind()).isEqualTo(Step.Kind.TOOL_DENIED);
    }

    @Test
    void loopingModelIsStoppedAtExactlyTheIterationLimit() {
        ScriptedModel model = ScriptedModel.create().alwaysCallTool("invoice", Map.of("invoiceId", "INV-1"));

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("Loop forever");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.FAILURE);
        assertThat(result.failure().code()).isEqualTo("iteration_limit");
        assertThat(result.failure().message())
                .isEqualTo("Stopped after 6 model calls, the limit of 6 for this task, without a final answer");
        assertThat(model.requests()).hasSize(6);
        assertThat(result.usage().iterations()).isEqualTo(6);
        assertThat(result.steps()).filteredOn(s -> s.kind() == Step.Kind.MODEL_CALL).hasSize(6);
        assertThat(result.steps()).filteredOn(s -> s.kind() == Step.Kind.TOOL_CALL).hasSize(5);
    }

    @Test
    void taskLimitLowerThanTheAgentsWins() {
        ScriptedModel model = ScriptedModel.create().alwaysCallTool("invoice", Map.of("invoiceId", "INV-1"));

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).limits(3, 0, null).run("Loop");

        assertThat(result.failure().code()).isEqualTo("iteration_limit");
        assertThat(model.requests()).hasSize(3);
    }

    @Test
    void tokenLimitEndsTheTaskFromReportedUsage() {
        ScriptedModel model = ScriptedModel.create().usagePerCall(400, 200)
                .alwaysCallTool("invoice", Map.of("invoiceId", "INV-1"));

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).limits(0, 1000, null).run("Loop");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.FAILURE);
        assertThat(result.failure().code()).isEqualTo("token_limit");
        assertThat(result.failure().message())
                .isEqualTo("Stopped after using 1200 tokens; the limit for this task is 1000");
        assertThat(result.usage()).isEqualTo(new LoopResult.Usage(800, 400, 2));
    }

    @Test
    void aRequestThatWouldExceedTheBudgetIsNotSent() {
        ScriptedModel model = ScriptedModel.create().usagePerCall(300, 100)
                .alwaysCallTool("invoice", Map.of("invoiceId", "INV-1"));

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).limits(0, 1000, null).run("Loop");

        assertThat(result.failure().code()).isEqualTo("token_limit");
        assertThat(result.failure().message()).matches("Stopped before a model call of about \\d+ input tokens: "
                + "with the 800 used it would exceed the limit of 1000 for this task");
        assertThat(model.requests()).hasSize(2);
        assertThat(result.usage()).isEqualTo(new LoopResult.Usage(600, 200, 2));
    }

    @Test
    void handoffToADeclaredTargetEndsInHandoff() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("weather"))
                .callTool("handoff", Map.of("target", "concierge", "reason", "not billing",
                        "context", "asks about the weather"))
                .thenReply("unreachable");

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("What is the weather?");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.HANDOFF);
        assertThat(result.handoff())
                .isEqualTo(new LoopResult.HandoffRequest("concierge", "not billing", "asks about the weather"));
        assertThat(result.steps()).extracting(Step::kind).containsExactly(Step.Kind.MODEL_CALL, Step.Kind.TOOL_CALL);
        assertThat(result.steps().get(1).detail()).isEqualTo("to concierge");
    }

    @Test
    void handoffToAnUndeclaredTargetIsRefused() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("handoff", Map.of("target", "admin-agent", "reason", "more power"))
                .thenReply(result -> "Told: " + result);

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("Give me admin");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.handoff()).isNull();
        assertThat(result.steps().get(1)).extracting(Step::kind, Step::name, Step::detail).containsExactly(
                Step.Kind.TOOL_DENIED, "handoff", "'admin-agent' is not a declared handoff target [concierge]");
        assertThat(result.reply()).isEqualTo("Told: Denied: handoff refused because 'admin-agent' is not a "
                + "declared handoff target [concierge]. Hand off only to one of those, or answer yourself.");
    }

    @Test
    void escalationEndsInEscalation() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("lawyer"))
                .callTool("escalate_to_human", Map.of("reason", "legal threat")).thenReply("unreachable");

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("My lawyer will call you");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.ESCALATION);
        assertThat(result.escalation()).isEqualTo("legal threat");
    }

    @Test
    void sideEffectRunsOnceThroughTheRuntimeWithTheIdempotencyKeyOfTaskAndStep() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("refund"))
                .callTool("invoice", Map.of("invoiceId", "INV-1"))
                .callTool("refund", Map.of("invoiceId", "INV-1", "amount", "12.50"))
                .thenReply(result -> result);
        AgentTester tester = AgentTester.of(BillingAgent.class).model(model).taskId("task-7");
        int before = tester.toolProcess().effectsOnRecord();

        LoopResult result = tester.run("refund INV-1 please");

        // steps: 1 model, 2 invoice, 3 model, 4 refund, 5 model
        assertThat(result.steps().get(3).detail()).isEqualTo("ok, effect task-7:4");
        assertThat(result.reply()).isEqualTo("{\"invoiceId\":\"INV-1\",\"amount\":12.50,\"reference\":\"task-7:4\"}");
        assertThat(result.steps().get(3).detail()).isEqualTo("ok, effect task-7:4");
        assertThat(tester.toolProcess().effectsOnRecord()).isEqualTo(before + 1);

        LoopResult redelivered = tester.run("refund INV-1 please");
        assertThat(redelivered.reply()).isEqualTo(result.reply());
        assertThat(redelivered.steps().get(3).detail())
                .isEqualTo("ok, effect task-7:4 done before, recorded result returned");
        assertThat(tester.toolProcess().effectsOnRecord()).isEqualTo(before + 1);
    }

    @Test
    void badArgumentsBecomeAToolErrorTheModelSees() {
        ScriptedModel model = ScriptedModel.create()
                .whenMessage(text -> text.contains("broken"))
                .callToolWithJson("refund", "{\"invoiceId\": \"INV-1\", \"amount\": ")
                .thenReply(result -> result)
                .whenMessage(text -> text.contains("lots"))
                .callTool("refund", Map.of("invoiceId", "INV-1", "amount", "lots"))
                .thenReply(result -> result)
                .whenMessage(text -> text.contains("missing"))
                .callTool("refund", Map.of("invoiceId", "INV-1"))
                .thenReply(result -> result);
        AgentTester tester = AgentTester.of(BillingAgent.class).model(model);

        LoopResult broken = tester.run("broken");
        assertThat(broken.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(broken.reply()).startsWith("Error: Invalid arguments for tool 'refund': not valid JSON");
        assertThat(broken.steps().get(1).detail()).startsWith("error: Invalid arguments for tool 'refund'");

        assertThat(tester.run("lots").reply())
                .startsWith("Error: Invalid arguments for tool 'refund': argument 'amount' does not fit");
        assertThat(tester.run("missing").reply())
                .isEqualTo("Error: Invalid arguments for tool 'refund': missing argument 'amount'");
    }

    @Test
    void unknownToolIsAToolError() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("delete_everything", Map.of()).thenReply(result -> result);

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("hi");

        assertThat(result.reply()).isEqualTo(
                "Unknown tool 'delete_everything'. Available tools: [invoice, refund, handoff, escalate_to_human]");
    }

    @Test
    void modelExceptionEndsInModelError() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> text.contains("known")).reply("hi");

        LoopResult result = AgentTester.of(BillingAgent.class).model(model).run("something else");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.FAILURE);
        assertThat(result.failure().code()).isEqualTo("model_error");
        assertThat(result.failure().message())
                .isEqualTo("Model 'scripted' failed: ScriptedModel has no rule for the message: something else");
    }

    @Test
    void timeoutEndsTheTask() {
        Instant[] now = {Instant.parse("2026-01-01T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        ChatModel slow = new ChatModel() {
            @Override
            public String id() {
                return "slow";
            }

            @Override
            public ModelResponse chat(ModelRequest request) {
                now[0] = now[0].plus(Duration.ofSeconds(20));
                return new ModelResponse("", List.of(new dev.switchboard.agent.sdk.model.ToolCall("c", "invoice",
                        "{\"invoiceId\":\"INV-1\"}")), new dev.switchboard.agent.sdk.model.TokenUsage(1, 1));
            }
        };
        var definition = dev.switchboard.agent.sdk.definition.AgentDefinition.of(BillingAgent.class);
        LoopResult result = new AgentLoop(definition, AgentTester.of(BillingAgent.class).toolProcess(), slow, clock)
                .run(TaskInput.of("t", "s", new dev.switchboard.agent.sdk.Principal("acme", "u"), "hi"));

        assertThat(result.failure().code()).isEqualTo("timeout");
        assertThat(result.failure().message()).isEqualTo("Stopped after the time limit of 30 seconds for this task");
        assertThat(result.usage().iterations()).isEqualTo(2);
    }

    @Test
    void modelExceptionFromProviderIsReported() {
        ChatModel failing = new ChatModel() {
            @Override
            public String id() {
                return "provider";
            }

            @Override
            public ModelResponse chat(ModelRequest request) {
                throw new ModelException("HTTP 503", true);
            }
        };

        LoopResult result = AgentTester.of(BillingAgent.class).model(failing).run("hi");

        assertThat(result.failure()).isEqualTo(new LoopResult.Failure("model_error", "Model 'provider' failed: HTTP 503"));
        assertThat(result.usage().iterations()).isZero();
    }
}
