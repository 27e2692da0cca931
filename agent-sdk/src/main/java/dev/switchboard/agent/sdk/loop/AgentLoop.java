package dev.switchboard.agent.sdk.loop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.AgentRules;
import dev.switchboard.agent.sdk.definition.ToolDefinition;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.TokenUsage;
import dev.switchboard.agent.sdk.model.ToolCall;
import dev.switchboard.agent.sdk.model.ToolSpec;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The agent loop: model call, then the tool calls it asks for, then a model call again, until the model
 * answers, hands off, escalates to a human, or a limit is reached.
 *
 * <p>Rules:
 * <ul>
 *   <li>The model is offered the agent's tools, plus the built-in {@code handoff} tool (when the agent
 *       declares handoffs; its target must be one of them) and {@code escalate_to_human}.</li>
 *   <li>A tool runs only when its scope is granted for the task and declared by the agent. A denied call
 *       does not run; it is recorded as a {@code TOOL_DENIED} step and the model is told why.</li>
 *   <li>Bad arguments and tool exceptions are tool errors the model reads; they do not end the task.</li>
 *   <li>Limits are the lower of the agent's and the task's. Iterations are model calls. Tokens are counted
 *       before each model call, from the request the loop itself sends ({@link TokenEstimate}): a request
 *       that would go over the budget is not sent. After the call the provider's usage is charged, or the
 *       estimate when the provider reports none. When the last allowed model call asks for tools, they do
 *       not run: nobody could read their results.</li>
 *   <li>Tools run through a {@link ToolRunner}, bounded by the task's deadline: a call still running at the
 *       deadline is cancelled, its late result discarded, and the task ends with {@code timeout}. Model
 *       adapters bound each model call themselves.</li>
 *   <li>A failing model ends the task with {@code model_error}.</li>
 * </ul>
 * A loop instance serves any number of tasks, one at a time or concurrently.
 */
public final class AgentLoop {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AgentDefinition definition;
    private final ToolRunner tools;
    private final ChatModel model;
    private final Clock clock;

    public AgentLoop(AgentDefinition definition, ToolRunner tools, ChatModel model) {
        this(definition, tools, model, Clock.systemUTC());
    }

    /** A loop with its own clock, so tests can make time pass. */
    public AgentLoop(AgentDefinition definition, ToolRunner tools, ChatModel model, Clock clock) {
        this.definition = Objects.requireNonNull(definition, "definition");
        this.tools = Objects.requireNonNull(tools, "tools");
        this.model = Objects.requireNonNull(model, "model");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Runs one task to its end; never throws for model or tool failures. */
    public LoopResult run(TaskInput task) {
        try {
            return new Run(task).run();
        } finally {
            tools.taskEnded(task.principal(), task.taskId());
        }
    }

    /** The state of one task's run. */
    private final class Run {

        private final TaskInput task;
        private final int maxIterations;
        private final long maxTokens;
        private final Instant deadline;
        private final Duration timeout;
        private final Set<String> effectiveScopes;
        private final List<ToolSpec> toolSpecs;
        private final List<ChatMessage> messages = new ArrayList<>();
        private final List<Step> steps = new ArrayList<>();
        private long inputTokens;
        private long outputTokens;
        private int iterations;

        Run(TaskInput task) {
            this.task = task;
            AgentDefinition.AgentLimits limits = definition.limits();
            this.maxIterations = lower(limits.maxIterations(), task.maxIterations());
            this.maxTokens = task.maxTokens() > 0 ? Math.min(limits.maxTokens(), task.maxTokens()) : limits.maxTokens();
            this.timeout = task.timeout() != null && !task.timeout().isNegative() && !task.timeout().isZero()
                    && task.timeout().compareTo(limits.timeout()) < 0 ? task.timeout() : limits.timeout();
            this.deadline = clock.instant().plus(timeout);
            this.effectiveScopes = new HashSet<>(task.grantedScopes());
            this.effectiveScopes.retainAll(definition.scopes());
            this.toolSpecs = toolSpecs();
            messages.addAll(task.history());
            messages.add(ChatMessage.user(task.text()));
        }

        LoopResult run() {
            while (true) {
                if (iterations >= maxIterations) {
                    return iterationLimit();
                }
                if (totalTokens() >= maxTokens) {
                    return tokenLimit();
                }
                if (timedOut()) {
                    return timeoutFailure();
                }
                ModelResponse response;
                long started = System.nanoTime();
                ModelRequest request = new ModelRequest(tools.instructions(), messages, toolSpecs,
                        (int) Math.min(Integer.MAX_VALUE, maxTokens - totalTokens()));
                long estimate = TokenEstimate.of(request);
                if (totalTokens() + estimate > maxTokens) {
                    return failure(LoopResult.TOKEN_LIMIT, "Stopped before a model call of about " + estimate
                            + " input tokens: with the " + totalTokens() + " used it would exceed the limit of "
                            + maxTokens + " for this task");
                }
                try {
                    response = model.chat(request);
                } catch (ModelException e) {
                    return failure(LoopResult.MODEL_ERROR, "Model '" + model.id() + "' failed: " + e.getMessage());
                } catch (RuntimeException e) {
                    return failure(LoopResult.MODEL_ERROR, "Model '" + model.id() + "' failed unexpectedly: " + e);
                }
                iterations++;
                TokenUsage usage = response.usage() == null || response.usage().inputTokens() <= 0
                        ? new TokenUsage(estimate, response.usage() == null ? 0 : response.usage().outputTokens())
                        : response.usage();
                inputTokens += usage.inputTokens();
                outputTokens += usage.outputTokens();
                steps.add(new Step(Step.Kind.MODEL_CALL, model.id(), "in=" + usage.inputTokens() + " out="
                        + usage.outputTokens() + (response.callsTools() ? " tools=" + toolNames(response) : " reply"),
                        millisSince(started)));
                if (totalTokens() > maxTokens) {
                    return tokenLimit();
                }
                if (timedOut()) {
                    return timeoutFailure();
                }
                if (!response.callsTools()) {
                    return end(LoopResult.Outcome.REPLY, response.text(), null, null, null);
                }
                messages.add(ChatMessage.assistant(response.text(), response.toolCalls()));
                if (iterations >= maxIterations) {
                    return iterationLimit();
                }
                for (ToolCall call : response.toolCalls()) {
                    if (timedOut()) {
                        return timeoutFailure();
                    }
                    LoopResult ended = callTool(call);
                    if (ended != null) {
                        return ended;
                    }
                }
            }
        }

        /** Runs one tool call; returns the loop's result when the call ends the task (handoff, escalation). */
        private LoopResult callTool(ToolCall call) {
            long started = System.nanoTime();
            if (AgentRules.HANDOFF_TOOL.equals(call.name()) && !definition.handoffs().isEmpty()) {
                return handOff(call, started);
            }
            if (AgentRules.ESCALATE_TOOL.equals(call.name())) {
                JsonNode arguments = parseQuietly(call.argumentsJson());
                String reason = text(arguments, "reason");
                steps.add(new Step(Step.Kind.TOOL_CALL, call.name(), "escalated", millisSince(started)));
                return end(LoopResult.Outcome.ESCALATION, null, null,
                        reason == null ? "The agent asked for a human" : reason, null);
            }
            ToolDefinition tool = definition.tool(call.name()).orElse(null);
            if (tool == null) {
                String error = "Unknown tool '" + call.name() + "'. Available tools: "
                        + toolSpecs.stream().map(ToolSpec::name).toList();
                steps.add(new Step(Step.Kind.TOOL_CALL, call.name(), "error: unknown tool", millisSince(started)));
                messages.add(ChatMessage.toolResult(call, error));
                return null;
            }
            if (tool.scope() != null && !effectiveScopes.contains(tool.scope())) {
                String why = "scope '" + tool.scope() + "' is not granted for this task";
                steps.add(new Step(Step.Kind.TOOL_DENIED, tool.name(), why, millisSince(started)));
                messages.add(ChatMessage.toolResult(call, "Denied: tool '" + tool.name() + "' did not run because "
                        + why + ". Do not try it again; tell the user what you cannot do."));
                return null;
            }
            int step = steps.size() + 1;
            Instant wallDeadline = Instant.now().plus(Duration.between(clock.instant(), deadline));
            ToolRunner.Outcome outcome = tools.call(new ToolRunner.Invocation(tool, call.argumentsJson(),
                    task.principal(), task.sessionId(), task.taskId(), step, Set.copyOf(effectiveScopes),
                    wallDeadline));
            steps.add(new Step(Step.Kind.TOOL_CALL, tool.name(), outcome.detail(), millisSince(started),
                    outcome.text()));
            if (outcome.status() == ToolRunner.Status.TIMEOUT) {
                return timeoutFailure();
            }
            messages.add(ChatMessage.toolResult(call, outcome.text()));
            return null;
        }

        private LoopResult handOff(ToolCall call, long started) {
            JsonNode arguments = parseQuietly(call.argumentsJson());
            String target = text(arguments, "target");
            if (target == null || !definition.mayHandOffTo(target)) {
                String why = "'" + target + "' is not a declared handoff target " + handoffTargets();
                steps.add(new Step(Step.Kind.TOOL_DENIED, call.name(), why, millisSince(started)));
                messages.add(ChatMessage.toolResult(call, "Denied: handoff refused because " + why
                        + ". Hand off only to one of those, or answer yourself."));
                return null;
            }
            String reason = text(arguments, "reason");
            steps.add(new Step(Step.Kind.TOOL_CALL, call.name(), "to " + target, millisSince(started)));
            return end(LoopResult.Outcome.HANDOFF, null,
                    new LoopResult.HandoffRequest(target, reason == null ? "" : reason, text(arguments, "context")),
                    null, null);
        }

        private List<ToolSpec> toolSpecs() {
            List<ToolSpec> specs = new ArrayList<>(definition.toolSpecs());
            if (!definition.handoffs().isEmpty()) {
                ObjectNode schema = MAPPER.createObjectNode().put("type", "object");
                ObjectNode properties = schema.putObject("properties");
                ObjectNode target = properties.putObject("target").put("type", "string")
                        .put("description", "The agent to hand the conversation to");
                ArrayNode targets = target.putArray("enum");
                StringBuilder description = new StringBuilder(
                        "Hand the conversation to another agent that is better suited. Targets:");
                for (AgentDefinition.HandoffTarget handoff : definition.handoffs()) {
                    targets.add(handoff.to());
                    description.append(" '").append(handoff.to()).append("' when ").append(handoff.when()).append(';');
                }
                properties.putObject("reason").put("type", "string").put("description", "Why you hand off");
                properties.putObject("context").put("type", "string")
                        .put("description", "What the next agent needs to know");
                schema.putArray("required").add("target").add("reason");
                schema.put("additionalProperties", false);
                specs.add(new ToolSpec(AgentRules.HANDOFF_TOOL, description.toString(), schema.toString()));
            }
            ObjectNode schema = MAPPER.createObjectNode().put("type", "object");
            schema.putObject("properties").putObject("reason").put("type", "string")
                    .put("description", "Why a human must take over");
            schema.putArray("required").add("reason");
            schema.put("additionalProperties", false);
            specs.add(new ToolSpec(AgentRules.ESCALATE_TOOL,
                    "Ask a human to take over when you cannot or must not help further.", schema.toString()));
            return List.copyOf(specs);
        }

        private String handoffTargets() {
            return definition.handoffs().stream().map(AgentDefinition.HandoffTarget::to).toList().toString();
        }

        private LoopResult iterationLimit() {
            return failure(LoopResult.ITERATION_LIMIT, "Stopped after " + iterations + " model calls, the limit of "
                    + maxIterations + " for this task, without a final answer");
        }

        private LoopResult tokenLimit() {
            return failure(LoopResult.TOKEN_LIMIT, "Stopped after using " + totalTokens()
                    + " tokens; the limit for this task is " + maxTokens);
        }

        private LoopResult timeoutFailure() {
            return failure(LoopResult.TIMEOUT, "Stopped after the time limit of " + timeout.toSeconds()
                    + " seconds for this task");
        }

        private LoopResult failure(String code, String message) {
            return end(LoopResult.Outcome.FAILURE, null, null, null, new LoopResult.Failure(code, message));
        }

        private LoopResult end(LoopResult.Outcome outcome, String reply, LoopResult.HandoffRequest handoff,
                               String escalation, LoopResult.Failure failure) {
            return new LoopResult(outcome, reply, handoff, escalation, failure,
                    new LoopResult.Usage(inputTokens, outputTokens, iterations), steps, model.id());
        }

        private boolean timedOut() {
            return !clock.instant().isBefore(deadline);
        }

        private long totalTokens() {
            return inputTokens + outputTokens;
        }
    }

    private static int lower(int agentLimit, int taskLimit) {
        return taskLimit > 0 ? Math.min(agentLimit, taskLimit) : agentLimit;
    }

    private static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    private static String toolNames(ModelResponse response) {
        return String.join(",", response.toolCalls().stream().map(ToolCall::name).toList());
    }

    private static JsonNode parseQuietly(String json) {
        try {
            return MAPPER.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (Exception e) {
            return MAPPER.createObjectNode();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
