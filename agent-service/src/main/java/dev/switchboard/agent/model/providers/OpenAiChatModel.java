package dev.switchboard.agent.model.providers;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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

/**
 * A model behind the OpenAI chat completions API ({@code POST {base-url}/chat/completions}): OpenAI itself,
 * Azure OpenAI deployments, vLLM, Ollama and other compatible servers.
 */
public final class OpenAiChatModel extends HttpChatModel {

    /** OpenAI's public endpoint. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

    private final String maxTokensField;

    /** A model on OpenAI or a compatible server, limited with {@code max_tokens}. */
    public OpenAiChatModel(ModelSettings settings) {
        this(settings, "max_tokens");
    }

    /**
     * A model on OpenAI or a compatible server, with bearer authentication when a key is set.
     *
     * @param maxTokensField {@code max_tokens}, or {@code max_completion_tokens} for OpenAI's reasoning models,
     *                       which reject {@code max_tokens}
     */
    public OpenAiChatModel(ModelSettings settings, String maxTokensField) {
        this(settings, settings.baseUrl().resolve(settings.baseUrl().getPath() + "/chat/completions"),
                settings.apiKey() == null ? Map.of() : Map.of("authorization", "Bearer " + settings.apiKey()),
                maxTokensField, "openai");
    }

    private OpenAiChatModel(ModelSettings settings, URI endpoint, Map<String, String> headers, String maxTokensField,
            String provider) {
        super(settings, endpoint, headers, provider);
        this.maxTokensField = maxTokensField;
    }

    /**
     * A deployment on Azure OpenAI: the base URL is the deployment's
     * ({@code https://<resource>.openai.azure.com/openai/deployments/<deployment>}), the key goes in the
     * {@code api-key} header and every call names the {@code api-version}.
     */
    public static OpenAiChatModel azure(ModelSettings settings, String apiVersion, String maxTokensField) {
        URI base = settings.baseUrl();
        URI endpoint = base.resolve(base.getPath() + "/chat/completions?api-version="
                + URLEncoder.encode(apiVersion, StandardCharsets.UTF_8));
        Map<String, String> headers = settings.apiKey() == null ? Map.of() : Map.of("api-key", settings.apiKey());
        return new OpenAiChatModel(settings, endpoint, headers, maxTokensField, "azure-openai");
    }

    @Override
    ModelResponse responseOf(JsonNode body) {
        return parse(body);
    }

    @Override
    JsonNode requestBody(ModelRequest request) {
        ObjectNode body = ProviderHttp.JSON.createObjectNode();
        body.put("model", settings.model());
        ArrayNode messages = body.putArray("messages");
        if (request.instructions() != null && !request.instructions().isBlank()) {
            messages.addObject().put("role", "system").put("content", request.instructions());
        }
        for (ChatMessage message : request.messages()) {
            switch (message.role()) {
                case USER -> messages.addObject().put("role", "user").put("content", message.text());
                case ASSISTANT -> addAssistant(messages.addObject(), message);
                case TOOL -> messages.addObject().put("role", "tool").put("tool_call_id", message.toolCallId())
                        .put("content", message.text());
            }
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            for (ToolSpec tool : request.tools()) {
                ObjectNode function = tools.addObject().put("type", "function").putObject("function");
                function.put("name", tool.name()).put("description", tool.description());
                function.set("parameters", ToolSchemas.parse(tool));
            }
        }
        body.put(maxTokensField, settings.outputTokens(request.maxOutputTokens()));
        return body;
    }

    private static void addAssistant(ObjectNode node, ChatMessage message) {
        node.put("role", "assistant");
        if (message.text().isEmpty() && !message.toolCalls().isEmpty()) {
            node.putNull("content");
        } else {
            node.put("content", message.text());
        }
        if (!message.toolCalls().isEmpty()) {
            ArrayNode calls = node.putArray("tool_calls");
            for (ToolCall call : message.toolCalls()) {
                calls.addObject().put("id", call.id()).put("type", "function")
                        .putObject("function").put("name", call.name()).put("arguments", call.argumentsJson());
            }
        }
    }

    static ModelResponse parse(JsonNode body) {
        JsonNode message = body.path("choices").path(0).path("message");
        if (message.isMissingNode()) {
            throw new ModelException("openai answer has no choices[0].message: " + body, false);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode call : message.path("tool_calls")) {
            JsonNode arguments = call.path("function").path("arguments");
            // The API sends arguments as a JSON string; some compatible servers send the object itself.
            String json = arguments.isTextual() ? arguments.asText() : arguments.isMissingNode() ? "{}" : arguments.toString();
            calls.add(new ToolCall(call.path("id").asText(), call.path("function").path("name").asText(), json));
        }
        JsonNode usage = body.path("usage");
        return new ModelResponse(message.path("content").asText(""), calls,
                new TokenUsage(usage.path("prompt_tokens").asLong(0), usage.path("completion_tokens").asLong(0)));
    }
}
