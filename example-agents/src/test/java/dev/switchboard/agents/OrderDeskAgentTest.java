package dev.switchboard.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.Step;
import dev.switchboard.agent.sdk.testing.AgentTester;
import dev.switchboard.agent.sdk.testing.ScriptedModel;

/** The order desk against a real HTTP order service, reached through the runtime's egress. */
class OrderDeskAgentTest {

    /** One request the order service received. */
    record Received(String method, String path, String authorization, String idempotencyKey, String body) {
    }

    static HttpServer orders;
    static final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startOrderService() throws IOException {
        orders = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        orders.createContext("/api/orders/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            received.add(new Received(exchange.getRequestMethod(), path,
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] body = (path.endsWith("/cancel") ? "{\"id\":\"A-1001\",\"status\":\"cancelled\"}"
                    : "{\"id\":\"A-1001\",\"status\":\"processing\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        orders.start();
    }

    @AfterAll
    static void stopOrderService() {
        orders.stop(0);
    }

    @BeforeEach
    void clear() {
        received.clear();
    }

    private static AgentTester tester(String taskId) {
        return AgentTester.of(OrderDeskAgent.class).taskId(taskId)
                .egress("orders", "http://127.0.0.1:" + orders.getAddress().getPort() + "/api",
                        "Authorization", "Bearer orders-secret");
    }

    @Test
    void theStatusComesFromTheOrderServiceWithTheOperatorsCredentials() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("order_status", Map.of("orderId", "A-1001")).thenReply(result -> "Status: " + result);

        LoopResult result = tester("task-status-" + System.nanoTime()).model(model).run("Where is A-1001?");

        assertThat(result.reply()).isEqualTo("Status: {\"id\":\"A-1001\",\"status\":\"processing\"}");
        assertThat(received).containsExactly(
                new Received("GET", "/api/orders/A-1001", "Bearer orders-secret", null, ""));
    }

    @Test
    void aCancellationIsSentOnceWithItsIdempotencyKeyEvenWhenTheTaskIsDeliveredTwice() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("cancel_order", Map.of("orderId", "A-1001", "reason", "ordered \"twice\""))
                .thenReply(result -> "Done: " + result);
        String taskId = "task-cancel-" + System.nanoTime();

        LoopResult first = tester(taskId).model(model).run("Cancel A-1001");
        LoopResult again = tester(taskId).model(model).run("Cancel A-1001");

        assertThat(first.reply()).isEqualTo("Done: {\"id\":\"A-1001\",\"status\":\"cancelled\"}");
        assertThat(again.reply()).isEqualTo(first.reply());
        assertThat(received).containsExactly(new Received("POST", "/api/orders/A-1001/cancel",
                "Bearer orders-secret", taskId + ":2", "{\"reason\":\"ordered \\\"twice\\\"\"}"));
    }

    @Test
    void withoutTheCancelScopeNothingIsSent() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("cancel_order", Map.of("orderId", "A-1001", "reason", "changed my mind"))
                .thenReply(result -> result);

        LoopResult result = tester("task-denied-" + System.nanoTime()).grant("orders:read").model(model)
                .run("Cancel A-1001");

        assertThat(result.steps()).extracting(Step::kind).contains(Step.Kind.TOOL_DENIED);
        assertThat(received).isEmpty();
    }

    @Test
    void anOrderIdThatIsAPathIsRefusedBeforeAnyRequest() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("order_status", Map.of("orderId", "../admin")).thenReply(result -> result);

        LoopResult result = tester("task-path-" + System.nanoTime()).model(model).run("Show ../admin");

        assertThat(result.reply()).isEqualTo("Error: Tool 'order_status' failed: Not an order id: ../admin");
        assertThat(received).isEmpty();
    }
}
