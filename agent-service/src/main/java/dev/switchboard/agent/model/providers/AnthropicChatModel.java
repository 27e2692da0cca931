package dev.switchboard.agent.model.providers;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.TokenUsage;
import dev.switchboard.agent.sdk.model.ToolCall;
import dev.switchboard.agent.sdk.model.ToolSpec;

/** A model behind Anthropic's Messages API ({@code POST {base-url}/v1/messages}). */
public final class AnthropicChatModel extends HttpChatModel {

    /** Anthropic's public endpoint. */
    public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";

    /** The API version this adapter's wire format follows. */
    public static final String API_VERSION = "2023-06-01";

    public AnthropicChatModel(ModelSettings settings) {
        super(settings, settings.baseUrl().resolve(settings.baseUrl().getPath() + "/v1/messages"),
                headers(settings), "anthropic");
    }

    private static Map<String, String> headers(ModelSettings settings) {
        Map<String, String> headers = new HashMap<>();
        headers.put("anthropic-version", API_VERSION);
        if (settings.apiKey() != null) {
            headers.put("x-api-key", settings.apiKey());
        }
        return headers;
    }

    @Override
    ModelResponse responseOf(JsonNode body) {
        return parse(body);
    }

    @Override
    JsonNode requestBody(ModelRequest request) {
        ObjectNode body = ProviderHttp.JSON.createObjectNode();
        body.put("model", settings.model());
        body.put("max_tokens", settings.outputTokens(request.maxOutputTokens()));
        if (request.instructions() != null && !request.instructions().isBlank()) {
            body.put("system", request.instructions());
        }
        ArrayNode messages = body.putArray("messages");
        ObjectNode current = null;
        for (ChatMessage message : request.messages()) {
            // Tool results travel in a user turn, and all results of one assistant turn must share the next
            // user turn: consecutive messages of the same side are merged into one turn.
            String role = message.role() == ChatMessage.Role.ASSISTANT ? "assistant" : "user";
            ArrayNode blocks = contentBlocks(message);
            if (blocks.isEmpty()) {
                continue;
            }
            if (current == null || !role.equals(current.path("role").asText())) {
                current = messages.addObject().put("role", role);
                current.putArray("content");
            }
            ((ArrayNode) current.get("content")).addAll(blocks);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec tool : request.tools()) {
                tools.addObject().put("name", tool.name()).put("description", tool.description())
                        .set("input_schema", ToolSchemas.parse(tool));
            }
        }
        return body;
    }

    private static ArrayNode contentBlocks(ChatMessage message) {
        ArrayNode blocks = ProviderHttp.JSON.createArrayNode();
        if (message.role() == ChatMessage.Role.TOOL) {
            blocks.addObject().put("type", "tool_result").put("tool_use_id", message.toolCallId())
                    .put("content", message.text());
            return blocks;
        }
        // The API rejects empty text blocks, which an assistant turn that only calls tools would produce.
        if (!message.text().isBlank()) {
            blocks.addObject().put("type", "text").put("text", message.text());
        }
        for (ToolCall call : message.toolCalls()) {
            blocks.addObject().put("type", "tool_use").put("id", call.id()).put("name", call.name())
                    .set("input", arguments(call));
        }
        return blocks;
    }

    private static JsonNode arguments(ToolCall call) {
        if (call.argumentsJson() == null || call.argumentsJson().isBlank()) {
            return ProviderHttp.JSON.createObjectNode();
        }
        try {
            return ProviderHttp.JSON.readTree(call.argumentsJson());
        } catch (JsonProcessingException e) {
            throw new ModelException("tool call " + call.id() + " has arguments that are not JSON", false, e);
        }
    }

    static ModelResponse parse(JsonNode body) {
        StringBuilder text = new StringBuilder();
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : body.path("content")) {
            switch (block.path("type").asText()) {
                case "text" -> text.append(block.path("text").asText());
                case "tool_use" -> calls.add(new ToolCall(block.path("id").asText(), block.path("name").asText(),
                        block.path("input").isMissingNode() ? "{}" : block.path("input").toString()));
                default -> {
                    // thinking and other blocks are not part of the answer
                }
            }
        }
        JsonNode usage = body.path("usage");
        // Prompt-cache reads and writes are billed input too, but Anthropic reports them apart.
        long input = usage.path("input_tokens").asLong(0) + usage.path("cache_creation_input_tokens").asLong(0)
                + usage.path("cache_read_input_tokens").asLong(0);
        return new ModelResponse(text.toString(), calls, new TokenUsage(input, usage.path("output_tokens").asLong(0)));
    }
}
