package dev.switchboard.agent.model.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.agent.model.providers.RecordedProviderServer.Recorded;
import dev.switchboard.agent.model.providers.RecordedProviderServer.Received;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.TokenUsage;
import dev.switchboard.agent.sdk.model.ToolCall;

class AnthropicChatModelTest {

    final RecordedProviderServer server = new RecordedProviderServer();

    @AfterEach
    void stop() {
        server.close();
    }

    ModelSettings settings() {
        return ModelSettings.of(server.baseUrl(""), "claude-sonnet-4-5", "sk-ant-test")
                .withBackoff(Duration.ofMillis(10), Duration.ofSeconds(5));
    }

    @Test
    void sendsTheConversationAndToolsAndParsesToolUse() throws Exception {
        server.then(Recorded.load("anthropic/message-tool-use.json"));

        ModelResponse response = new AnthropicChatModel(settings()).chat(Conversations.afterToolResult());

        assertThat(response.text()).isEqualTo("I'll look up that order for you.");
        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("toolu_01D7FLrfh4GYq7yT1ULFeyMV", "lookup_order", "{\"order_id\":\"A-1042\"}"));
        assertThat(response.usage()).isEqualTo(new TokenUsage(412, 71));

        Received request = server.requests().get(0);
        assertThat(request.path()).isEqualTo("/v1/messages");
        assertThat(request.header("x-api-key")).isEqualTo("sk-ant-test");
        assertThat(request.header("anthropic-version")).isEqualTo("2023-06-01");
        assertThat(request.header("Authorization")).isNull();
        JsonNode body = request.body();
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        assertThat(body.path("system").asText()).isEqualTo("You are the concierge of ACME.");
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(0).path("content").get(0).path("text").asText()).isEqualTo("Where is my order A-1042?");
        JsonNode assistant = messages.get(1);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        // An assistant turn that only calls tools has no (empty) text block, which the API would reject.
        assertThat(assistant.path("content")).hasSize(1);
        JsonNode toolUse = assistant.path("content").get(0);
        assertThat(toolUse.path("type").asText()).isEqualTo("tool_use");
        assertThat(toolUse.path("id").asText()).isEqualTo("call_1");
        assertThat(toolUse.path("name").asText()).isEqualTo("lookup_order");
        assertThat(toolUse.path("input").path("order_id").asText()).isEqualTo("A-1042");
        JsonNode toolResult = messages.get(2).path("content").get(0);
        assertThat(messages.get(2).path("role").asText()).isEqualTo("user");
        assertThat(toolResult.path("type").asText()).isEqualTo("tool_result");
        assertThat(toolResult.path("tool_use_id").asText()).isEqualTo("call_1");
        assertThat(toolResult.path("content").asText()).isEqualTo("{\"status\":\"shipped\"}");
        JsonNode tool = body.path("tools").get(0);
        assertThat(tool.path("name").asText()).isEqualTo("lookup_order");
        assertThat(tool.path("description").asText()).isEqualTo("Finds an order by id.");
        assertThat(tool.path("input_schema")).isEqualTo(ProviderHttp.JSON.readTree(Conversations.ORDER_SCHEMA));
    }

    @Test
    void mergesTheResultsOfParallelToolCallsIntoOneUserTurn() {
        server.then(Recorded.load("anthropic/message-text.json"));
        ToolCall order = new ToolCall("toolu_a", "lookup_order", "{\"order_id\":\"A-1\"}");
        ToolCall customer = new ToolCall("toolu_b", "lookup_customer", "{}");
        ModelRequest request = new ModelRequest("", List.of(
                ChatMessage.user("Status?"),
                ChatMessage.assistant("Checking both.", List.of(order, customer)),
                ChatMessage.toolResult(order, "shipped"),
                ChatMessage.toolResult(customer, "gold")), List.of(), 100);

        ModelResponse response = new AnthropicChatModel(settings()).chat(request);

        assertThat(response.text()).isEqualTo("Order A-1042 shipped yesterday and should arrive on Thursday.");
        assertThat(response.usage()).isEqualTo(new TokenUsage(503, 18));
        JsonNode body = server.requests().get(0).body();
        assertThat(body.has("system")).isFalse();
        assertThat(body.has("tools")).isFalse();
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(3);
        assertThat(messages.get(1).path("content")).hasSize(3);
        JsonNode results = messages.get(2).path("content");
        assertThat(results).hasSize(2);
        assertThat(results.get(0).path("tool_use_id").asText()).isEqualTo("toolu_a");
        assertThat(results.get(1).path("tool_use_id").asText()).isEqualTo("toolu_b");
    }

    @Test
    void persistentOverloadFailsRetryablyAfterTheConfiguredAttempts() {
        server.always(Recorded.load("anthropic/error-529-overloaded.json"));
        AnthropicChatModel model = new AnthropicChatModel(settings().withRetries(3));

        assertThatThrownBy(() -> model.chat(Conversations.question()))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("529 overloaded_error: Overloaded");
        assertThat(server.requests()).hasSize(4);
    }

    @Test
    void anInvalidRequestFailsAtOnceWithTheProvidersMessage() {
        server.always(Recorded.load("anthropic/error-400-invalid-request.json"));
        AnthropicChatModel model = new AnthropicChatModel(settings());

        assertThatThrownBy(() -> model.chat(Conversations.afterToolResult()))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("400 invalid_request_error")
                .hasMessageContaining("unexpected `tool_use_id` found in `tool_result` blocks");
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void theCircuitOpensAfterRepeatedFailuresAndFailsFastWithoutCallingTheProvider() {
        server.always(Recorded.load("anthropic/error-529-overloaded.json"));
        AnthropicChatModel model = new AnthropicChatModel(
                settings().withRetries(0).withCircuitBreaker(3, Duration.ofMinutes(1)));

        for (int call = 0; call < 3; call++) {
            assertThatThrownBy(() -> model.chat(Conversations.question())).hasMessageContaining("529");
        }
        assertThat(server.requests()).hasSize(3);

        assertThatThrownBy(() -> model.chat(Conversations.question()))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("circuit open");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void rejectedRequestsLeaveTheCircuitClosed() {
        server.then(Recorded.load("anthropic/error-400-invalid-request.json"))
                .then(Recorded.load("anthropic/error-400-invalid-request.json"))
                .then(Recorded.load("anthropic/message-text.json"));
        AnthropicChatModel model = new AnthropicChatModel(
                settings().withRetries(0).withCircuitBreaker(2, Duration.ofMinutes(1)));

        assertThatThrownBy(() -> model.chat(Conversations.question())).hasMessageContaining("400");
        assertThatThrownBy(() -> model.chat(Conversations.question())).hasMessageContaining("400");

        assertThat(model.chat(Conversations.question()).text()).startsWith("Order A-1042");
        assertThat(server.requests()).hasSize(3);
    }
}
