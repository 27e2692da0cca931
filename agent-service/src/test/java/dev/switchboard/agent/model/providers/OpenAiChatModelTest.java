package dev.switchboard.agent.model.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.agent.model.TaskDeadline;
import dev.switchboard.agent.model.providers.RecordedProviderServer.Recorded;
import dev.switchboard.agent.model.providers.RecordedProviderServer.Received;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelResponse;
import dev.switchboard.agent.sdk.model.TokenUsage;
import dev.switchboard.agent.sdk.model.ToolCall;

class OpenAiChatModelTest {

    final RecordedProviderServer server = new RecordedProviderServer();

    @AfterEach
    void stop() {
        server.close();
    }

    ModelSettings settings() {
        return ModelSettings.of(server.baseUrl("/v1"), "gpt-4o-mini", "sk-test-key")
                .withBackoff(Duration.ofMillis(10), Duration.ofSeconds(5));
    }

    @Test
    void sendsTheConversationAndToolsAndParsesToolCalls() throws Exception {
        server.then(Recorded.load("openai/chat-completion-tool-calls.json"));

        ModelResponse response = new OpenAiChatModel(settings()).chat(Conversations.afterToolResult());

        assertThat(response.toolCalls()).containsExactly(
                new ToolCall("call_Kq2mV7xR1bN9sT4d", "lookup_order", "{\"order_id\":\"A-1042\"}"),
                new ToolCall("call_P8wE3zL6cH0yJ5ua", "lookup_customer", "{\"email\":\"alice@example.com\"}"));
        assertThat(response.text()).isEmpty();
        assertThat(response.usage()).isEqualTo(new TokenUsage(182, 47));

        Received request = server.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/v1/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer sk-test-key");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = request.body();
        assertThat(body.path("model").asText()).isEqualTo("gpt-4o-mini");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(256);
        JsonNode messages = body.path("messages");
        assertThat(messages).hasSize(4);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        assertThat(messages.get(0).path("content").asText()).isEqualTo("You are the concierge of ACME.");
        assertThat(messages.get(1).path("role").asText()).isEqualTo("user");
        assertThat(messages.get(1).path("content").asText()).isEqualTo("Where is my order A-1042?");
        JsonNode assistant = messages.get(2);
        assertThat(assistant.path("role").asText()).isEqualTo("assistant");
        assertThat(assistant.path("content").isNull()).isTrue();
        JsonNode call = assistant.path("tool_calls").get(0);
        assertThat(call.path("id").asText()).isEqualTo("call_1");
        assertThat(call.path("type").asText()).isEqualTo("function");
        assertThat(call.path("function").path("name").asText()).isEqualTo("lookup_order");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{\"order_id\":\"A-1042\"}");
        JsonNode toolResult = messages.get(3);
        assertThat(toolResult.path("role").asText()).isEqualTo("tool");
        assertThat(toolResult.path("tool_call_id").asText()).isEqualTo("call_1");
        assertThat(toolResult.path("content").asText()).isEqualTo("{\"status\":\"shipped\"}");
        JsonNode tool = body.path("tools").get(0);
        assertThat(tool.path("type").asText()).isEqualTo("function");
        assertThat(tool.path("function").path("name").asText()).isEqualTo("lookup_order");
        assertThat(tool.path("function").path("description").asText()).isEqualTo("Finds an order by id.");
        assertThat(tool.path("function").path("parameters"))
                .isEqualTo(ProviderHttp.JSON.readTree(Conversations.ORDER_SCHEMA));
    }

    @Test
    void parsesAFinalAnswerAndCapsTheOutputTokens() {
        server.then(Recorded.load("openai/chat-completion-text.json"));
        OpenAiChatModel model = new OpenAiChatModel(settings(), "max_completion_tokens");

        ModelResponse response = model.chat(Conversations.question());

        assertThat(model.id()).isEqualTo("gpt-4o-mini");
        assertThat(response.text()).isEqualTo("Order A-1042 shipped yesterday and should arrive on Thursday.");
        assertThat(response.callsTools()).isFalse();
        assertThat(response.usage()).isEqualTo(new TokenUsage(264, 15));
        JsonNode body = server.requests().get(0).body();
        assertThat(body.has("tools")).isFalse();
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.path("max_completion_tokens").asInt()).isEqualTo(4096);
    }

    @Test
    void waitsAsLongAsRetryAfterSaysThenSucceeds() {
        server.then(Recorded.load("openai/error-429-rate-limit.json"))
                .then(Recorded.load("openai/chat-completion-text.json"));

        ModelResponse response = new OpenAiChatModel(settings()).chat(Conversations.question());

        assertThat(response.text()).startsWith("Order A-1042 shipped");
        assertThat(server.requests()).hasSize(2);
        long waitedMillis = Duration.ofNanos(
                server.requests().get(1).receivedAtNanos() - server.requests().get(0).receivedAtNanos()).toMillis();
        // The configured backoff is 10 ms; the recorded answer asks for one second.
        assertThat(waitedMillis).isGreaterThanOrEqualTo(900);
    }

    @Test
    void persistentServerErrorsFailRetryablyAfterTheConfiguredAttempts() {
        server.always(Recorded.load("openai/error-500.json"));
        OpenAiChatModel model = new OpenAiChatModel(settings().withRetries(2));

        assertThatThrownBy(() -> model.chat(Conversations.question()))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("500")
                .hasMessageContaining("The server had an error while processing your request");
        assertThat(server.requests()).hasSize(3);
    }

    @Test
    void azureDeploymentsUseTheApiKeyHeaderAndApiVersion() {
        server.then(Recorded.load("openai/chat-completion-text.json"));
        ModelSettings azure = ModelSettings.of(server.baseUrl("/openai/deployments/support-gpt4o"), "gpt-4o",
                "azure-key");

        OpenAiChatModel.azure(azure, "2024-10-21", "max_tokens").chat(Conversations.question());

        Received request = server.requests().get(0);
        assertThat(request.path()).isEqualTo("/openai/deployments/support-gpt4o/chat/completions");
        assertThat(request.query()).isEqualTo("api-version=2024-10-21");
        assertThat(request.header("api-key")).isEqualTo("azure-key");
        assertThat(request.header("Authorization")).isNull();
    }

    @Test
    void aSlowAnswerTimesOutRetryably() {
        server.always(Recorded.load("openai/chat-completion-text.json").delayedBy(Duration.ofSeconds(2)));
        OpenAiChatModel model = new OpenAiChatModel(settings().withRetries(0).withTimeout(Duration.ofMillis(200)));

        assertThatThrownBy(() -> model.chat(Conversations.question()))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isTrue());
        assertThat(server.requests()).hasSize(1);
        // The guard interrupts a timed-out attempt; the caller's thread must not keep that flag.
        assertThat(Thread.interrupted()).isFalse();
    }
    @Test
    void aSlowAnswerIsCutAtTheTasksDeadlineNotAtTheModelsTimeout() {
        server.always(Recorded.load("openai/chat-completion-text.json").delayedBy(Duration.ofSeconds(5)));
        OpenAiChatModel model = new OpenAiChatModel(settings().withTimeout(Duration.ofSeconds(30)));

        long started = System.nanoTime();
        assertThatThrownBy(() -> TaskDeadline.run(Instant.now().plusMillis(300), () -> model.chat(Conversations.question())))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(server.requests()).as("no retry after the deadline").hasSize(1);
    }

    @Test
    void aRetryAfterLongerThanTheTimeLeftEndsTheCallAtTheDeadline() {
        // the recorded 429 asks for one second; the task has 300 ms
        server.always(Recorded.load("openai/error-429-rate-limit.json"));
        OpenAiChatModel model = new OpenAiChatModel(settings());

        long started = System.nanoTime();
        assertThatThrownBy(() -> TaskDeadline.run(Instant.now().plusMillis(300), () -> model.chat(Conversations.question())))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(900));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void theBackOffBetweenRetriesEndsAtTheDeadlineToo() {
        // 500 without Retry-After: the model's own back-off of five seconds, cut at the task's 300 ms
        server.always(Recorded.load("openai/error-500.json"));
        OpenAiChatModel model = new OpenAiChatModel(settings().withBackoff(Duration.ofSeconds(5), Duration.ofSeconds(5)));

        long started = System.nanoTime();
        assertThatThrownBy(() -> TaskDeadline.run(Instant.now().plusMillis(300), () -> model.chat(Conversations.question())))
                .isInstanceOfSatisfying(ModelException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessageContaining("deadline");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(900));
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void outsideATaskTheModelsOwnTimeoutApplies() {
        assertThat(TaskDeadline.current()).isEmpty();
        server.then(Recorded.load("openai/chat-completion-text.json").delayedBy(Duration.ofMillis(300)));
        assertThat(new OpenAiChatModel(settings()).chat(Conversations.question()).text()).startsWith("Order A-1042 shipped");
    }
}
