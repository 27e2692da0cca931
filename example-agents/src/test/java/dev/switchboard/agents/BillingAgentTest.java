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

/** The billing agent against a real HTTP payment service, reached through the runtime's {@code payments} egress. */
class BillingAgentTest {

    /** One refund request the payment service received. */
    record Received(String path, String authorization, String idempotencyKey, String body) {
    }

    static HttpServer payments;
    static final List<Received> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startPaymentService() throws IOException {
        payments = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        payments.createContext("/pay/refunds", exchange -> {
            received.add(new Received(exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
            byte[] body = ("{\"refundId\":\"re_" + received.size() + "\",\"status\":\"succeeded\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        payments.start();
    }

    @AfterAll
    static void stopPaymentService() {
        payments.stop(0);
    }

    @BeforeEach
    void clear() {
        received.clear();
    }

    private static AgentTester tester() {
        return AgentTester.of(BillingAgent.class)
                .egress("payments", "http://127.0.0.1:" + payments.getAddress().getPort() + "/pay",
                        "Authorization", "Bearer payments-secret");
    }

    static ScriptedModel refundingModel() {
        return ScriptedModel.create()
                .whenMessage(text -> text.contains("refund"))
                .callTool("refund", Map.of("invoiceId", "INV-1001", "amount", "10.00"))
                .thenReply(result -> "Refund result: " + result);
    }

    @Test
    void aRefundWithoutTheRefundScopeIsDeniedAndTheModelIsTold() {
        AgentTester tester = tester().taskId("task-denied-" + System.nanoTime());
        int before = tester.toolProcess().effectsOnRecord();
        LoopResult result = tester.model(refundingModel()).grant("billing:read").run("Please refund 10 EUR of INV-1001");

        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
        assertThat(result.steps()).extracting(Step::kind).contains(Step.Kind.TOOL_DENIED);
        assertThat(result.steps()).filteredOn(step -> step.kind() == Step.Kind.TOOL_DENIED)
                .singleElement().satisfies(step -> assertThat(step.name()).isEqualTo("refund"));
        assertThat(result.reply()).containsIgnoringCase("denied");
        assertThat(tester.toolProcess().effectsOnRecord()).isEqualTo(before);
        assertThat(received).isEmpty();
    }

    @Test
    void aGrantedRefundRunsOnceEvenWhenTheTaskIsDeliveredTwice() {
        String taskId = "task-refund-" + System.nanoTime();
        AgentTester tester = tester().grant("billing:read", "billing:refund").taskId(taskId);
        int before = tester.toolProcess().effectsOnRecord();

        LoopResult first = tester.model(refundingModel()).run("Please refund 10 EUR of INV-1001");
        LoopResult again = tester.model(refundingModel()).run("Please refund 10 EUR of INV-1001");

        assertThat(first.steps()).extracting(Step::kind).contains(Step.Kind.TOOL_CALL).doesNotContain(Step.Kind.TOOL_DENIED);
        assertThat(first.reply()).contains("re_1").contains("INV-1001");
        assertThat(again.reply()).isEqualTo(first.reply());
        assertThat(tester.toolProcess().effectsOnRecord()).isEqualTo(before + 1);
        assertThat(received).containsExactly(new Received("/pay/refunds", "Bearer payments-secret", taskId + ":2",
                "{\"invoiceId\":\"INV-1001\",\"amount\":\"10.00\"}"));
    }

    @Test
    void moreThanTheInvoiceIsNeverRefunded() {
        ScriptedModel model = ScriptedModel.create().whenMessage(text -> true)
                .callTool("refund", Map.of("invoiceId", "INV-1001", "amount", "500"))
                .thenReply(result -> "Result: " + result);
        LoopResult result = tester().model(model).grant("billing:read", "billing:refund").run("refund everything");
        assertThat(result.reply()).contains("Only up to 49.00");
        assertThat(received).isEmpty();
    }
}
