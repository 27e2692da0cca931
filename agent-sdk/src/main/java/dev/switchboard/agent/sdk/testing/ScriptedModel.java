package dev.switchboard.agent.sdk.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.TokenUsage;
import dev.switchboard.agent.sdk.model.ToolCall;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A deterministic model for agent tests: it answers by rules on the latest user message, with a fixed token
 * usage per call. No network, no key.
 *
 * <pre>{@code
 * ScriptedModel model = ScriptedModel.create()
 *         .whenMessage(text -> text.contains("refund")).callTool("refund", Map.of("invoiceId", "INV-1"))
 *         .thenReply("Your refund is on its way")
 *         .whenMessage(text -> true).reply("How can I help?");
 * }</pre>
 *
 * A rule's actions are played in order within one user turn: the first model call of the turn plays the
 * first action, the call after the tool results the next one, and so on; the last action repeats. The
 * first rule whose condition matches wins; when none matches, the call fails with a {@link ModelException}.
 */
public final class ScriptedModel implements ChatModel {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What the model does on one call. */
    private sealed interface Action permits Reply, CallTool {
    }

    private record Reply(Function<String, String> text) implements Action {
    }

    private record CallTool(String name, String argumentsJson) implements Action {
    }

    private record Rule(Predicate<String> condition, List<Action> actions) {
    }

    private final List<Rule> rules = new ArrayList<>();
    private final List<ModelRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger callIds = new AtomicInteger();
    private String id = "scripted";
    private long inputTokensPerCall = 100;
    private long outputTokensPerCall = 20;

    private ScriptedModel() {
    }

    public static ScriptedModel create() {
        return new ScriptedModel();
    }

    /** Starts a rule for user messages that match {@code condition}. */
    public RuleBuilder whenMessage(Predicate<String> condition) {
        return new RuleBuilder(condition);
    }

    /** A model that calls the same tool on every call, whatever it is told: it never finishes on its own. */
    public ScriptedModel alwaysCallTool(String toolName, Map<String, ?> arguments) {
        rules.add(new Rule(text -> true, List.of(new CallTool(toolName, json(arguments)))));
        return this;
    }

    /** The tokens every call reports (default 100 in, 20 out). */
    public ScriptedModel usagePerCall(long inputTokens, long outputTokens) {
        this.inputTokensPerCall = inputTokens;
        this.outputTokensPerCall = outputTokens;
        return this;
    }

    /** The model id reported in results (default {@code scripted}). */
    public ScriptedModel withId(String id) {
        this.id = id;
        return this;
    }

    /** Every request the model received, in order, to assert on what the agent sent it. */
    public List<ModelRequest> requests() {
        return List.copyOf(requests);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ModelResponse chat(ModelRequest request) {
        requests.add(request);
        List<ChatMessage> messages = request.messages();
        int lastUser = -1;
        for (int i = messages.size() - 1; i >= 0 && lastUser < 0; i--) {
            if (messages.get(i).role() == ChatMessage.Role.USER) {
                lastUser = i;
            }
        }
        String userText = lastUser < 0 ? "" : messages.get(lastUser).text();
        int callsThisTurn = 0;
        String lastToolResult = "";
        for (int i = lastUser + 1; i < messages.size(); i++) {
            ChatMessage message = messages.get(i);
            if (message.role() == ChatMessage.Role.ASSISTANT && !message.toolCalls().isEmpty()) {
                callsThisTurn++;
            } else if (message.role() == ChatMessage.Role.TOOL) {
                lastToolResult = message.text();
            }
        }
        TokenUsage usage = new TokenUsage(inputTokensPerCall, outputTokensPerCall);
        for (Rule rule : rules) {
            if (rule.condition().test(userText)) {
                Action action = rule.actions().get(Math.min(callsThisTurn, rule.actions().size() - 1));
                if (action instanceof CallTool call) {
                    ToolCall toolCall = new ToolCall("call-" + callIds.incrementAndGet(), call.name(),
                            call.argumentsJson());
                    return new ModelResponse("", List.of(toolCall), usage);
                }
                return new ModelResponse(((Reply) action).text().apply(lastToolResult), List.of(), usage);
            }
        }
        throw new ModelException("ScriptedModel has no rule for the message: " + userText, false);
    }

    private static String json(Map<String, ?> arguments) {
        try {
            return MAPPER.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Tool arguments cannot be written as JSON", e);
        }
    }

    /** The actions of one rule, ending with a reply. */
    public final class RuleBuilder {

        private final Predicate<String> condition;
        private final List<Action> actions = new ArrayList<>();

        private RuleBuilder(Predicate<String> condition) {
            this.condition = condition;
        }

        /** Answers the message with {@code text}. */
        public ScriptedModel reply(String text) {
            return thenReply(text);
        }

        /** Calls a tool with these arguments (written as JSON). */
        public RuleBuilder callTool(String toolName, Map<String, ?> arguments) {
            return callToolWithJson(toolName, json(arguments));
        }

        /** Calls a tool with raw JSON arguments, which need not be valid: for testing bad arguments. */
        public RuleBuilder callToolWithJson(String toolName, String argumentsJson) {
            actions.add(new CallTool(toolName, argumentsJson));
            return this;
        }

        /** After the tool calls, answers with {@code text}. */
        public ScriptedModel thenReply(String text) {
            return thenReply(lastToolResult -> text);
        }

        /** After the tool calls, answers with a text made from the last tool result the model received. */
        public ScriptedModel thenReply(Function<String, String> fromLastToolResult) {
            actions.add(new Reply(fromLastToolResult));
            rules.add(new Rule(condition, List.copyOf(actions)));
            return ScriptedModel.this;
        }
    }
}
