package dev.switchboard.benchmark.faults;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A model provider on this machine that speaks the OpenAI chat completions API ({@code POST /v1/chat/completions})
 * and plays the example team's agents by rule instead of by a language model, so that the fault run has turns that
 * call a side-effecting tool and turns that hand off. The request's {@code model} names the agent. Rules, on the
 * last user message:
 * <ul>
 *   <li>{@code billing-agent} and "refund": calls {@code refund} (INV-1001, 1.00); after the tool's answer, replies
 *   with it;</li>
 *   <li>"broken" to any agent but {@code tech-support}: hands off (concierge to tech-support, billing-agent to
 *   concierge); "charged" to any agent but {@code billing-agent}: hands off to billing-agent;</li>
 *   <li>anything else: a short reply naming the agent.</li>
 * </ul>
 * A fault can make it answer 500 to every call, or hold every call without answering.
 */
final class FakeModelProvider implements AutoCloseable {

    /** How the provider answers. */
    enum Mode { NORMAL, ERROR_500, TIMEOUT }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong callsFailed = new AtomicLong();
    private volatile Mode mode = Mode.NORMAL;

    private FakeModelProvider(HttpServer server) {
        this.server = server;
    }

    static FakeModelProvider start() throws IOException {
        HttpServer server = LocalHttp.server("fake-model-provider");
        FakeModelProvider provider = new FakeModelProvider(server);
        server.createContext("/v1/chat/completions", provider::answer);
        server.start();
        return provider;
    }

    /** The base URL to configure as the model's {@code base-url}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    void mode(Mode mode) {
        this.mode = mode;
    }

    long calls() {
        return calls.get();
    }

    long callsFailed() {
        return callsFailed.get();
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            calls.incrementAndGet();
            Mode now = mode;
            if (now == Mode.ERROR_500) {
                callsFailed.incrementAndGet();
                LocalHttp.answer(exchange, 500, "{\"error\":{\"message\":\"fault injected\",\"type\":\"server_error\"}}");
                return;
            }
            if (now == Mode.TIMEOUT) {
                callsFailed.incrementAndGet();
                long until = System.nanoTime() + 60_000_000_000L;
                while (mode == Mode.TIMEOUT && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
                LocalHttp.answer(exchange, 503, "{\"error\":{\"message\":\"held by an injected fault\",\"type\":\"server_error\"}}");
                return;
            }
            LocalHttp.answer(exchange, 200, JSON.writeValueAsString(completion(request)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the caller gave up (its timeout) and closed the connection
        }
    }

    private static ObjectNode completion(JsonNode request) {
        String agent = request.path("model").asText();
        ArrayNode messages = (ArrayNode) request.path("messages");
        JsonNode last = messages.get(messages.size() - 1);
        String userText = "";
        for (JsonNode message : messages) {
            if ("user".equals(message.path("role").asText())) {
                userText = message.path("content").asText("");
            }
        }
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        String text = userText.toLowerCase();
        if ("tool".equals(last.path("role").asText())) {
            message.put("content", "Done: " + abbreviate(last.path("content").asText(""), 200));
        } else if (agent.equals("billing-agent") && text.contains("refund")) {
            toolCall(message, "refund", JSON.createObjectNode().put("invoiceId", "INV-1001").put("amount", "1.00"));
        } else if (text.contains("broken") && !agent.equals("tech-support")) {
            toolCall(message, "handoff", JSON.createObjectNode()
                    .put("target", agent.equals("concierge") ? "tech-support" : "concierge")
                    .put("reason", "something does not work"));
        } else if (text.contains("charged") && !agent.equals("billing-agent")) {
            toolCall(message, "handoff", JSON.createObjectNode().put("target", "billing-agent")
                    .put("reason", "a question about a charge"));
        } else {
            message.put("content", "[" + agent + "] noted: " + abbreviate(userText, 120));
        }
        long promptTokens = messages.toString().length() / 4;
        ObjectNode completion = JSON.createObjectNode().put("id", "chatcmpl-fault").put("object", "chat.completion")
                .put("model", agent);
        completion.putArray("choices").addObject().put("index", 0).put("finish_reason",
                message.has("tool_calls") ? "tool_calls" : "stop").set("message", message);
        completion.putObject("usage").put("prompt_tokens", promptTokens).put("completion_tokens", 20)
                .put("total_tokens", promptTokens + 20);
        return completion;
    }

    private static void toolCall(ObjectNode message, String name, ObjectNode arguments) {
        message.putNull("content");
        ObjectNode call = message.putArray("tool_calls").addObject().put("id", "call_" + name).put("type", "function");
        call.putObject("function").put("name", name).put("arguments", arguments.toString());
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "...";
    }

    @Override
    public void close() {
        mode = Mode.NORMAL;
        server.stop(0);
    }
}
