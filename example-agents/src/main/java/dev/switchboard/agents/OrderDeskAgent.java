package dev.switchboard.agents;

import java.util.regex.Pattern;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.HttpEgress;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/**
 * Looks up and cancels orders in the shop's order service, reached only through the {@code orders} egress:
 * the operator maps it to the service's URL and credentials, which this code never sees.
 */
@Agent(id = "order-desk",
        description = "Tells the status of an order and cancels an order that has not shipped",
        scopes = {"orders:read", "orders:cancel"},
        handoffs = @Handoff(to = "concierge", when = "the question is not about an order"),
        limits = @Limits(maxIterations = 5, maxTokens = 6000, timeoutSeconds = 20))
public class OrderDeskAgent implements ExpertAgent {

    private static final Pattern ORDER_ID = Pattern.compile("[A-Z0-9-]{1,32}");

    @Override
    public String instructions() {
        return """
                You handle orders. Check order_status before you answer. Cancel only when the user asks
                and the order has not shipped; confirm with the cancellation the service returns.""";
    }

    @Tool(name = "order_status", description = "The status of an order", scope = "orders:read", egress = "orders")
    public String orderStatus(@Param(name = "orderId", description = "the order id, like A-1001") String orderId,
            ToolContext context) {
        return answer(context.http().get("/orders/" + checked(orderId)));
    }

    @Tool(name = "cancel_order", description = "Cancels an order that has not shipped", scope = "orders:cancel",
            sideEffects = true, egress = "orders")
    public String cancelOrder(@Param(name = "orderId", description = "the order id") String orderId,
            @Param(name = "reason", description = "why the user cancels") String reason, ToolContext context) {
        String body = "{\"reason\":\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return context.perform(String.class, key -> answer(context.http()
                .send("POST", "/orders/" + checked(orderId) + "/cancel", "application/json", body)));
    }

    private static String checked(String orderId) {
        if (!ORDER_ID.matcher(orderId).matches()) {
            throw new IllegalArgumentException("Not an order id: " + orderId);
        }
        return orderId;
    }

    private static String answer(HttpEgress.Response response) {
        if (response.status() >= 400) {
            throw new IllegalStateException("The order service answered " + response.status() + ": " + response.body());
        }
        return response.body();
    }
}
