package dev.switchboard.agent.sdk.example;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

import java.math.BigDecimal;

/** The example agent of the README, used by the loop tests. */
@Agent(id = "billing-agent", description = "Answers billing questions and issues refunds",
        scopes = {"billing:read", "billing:refund"},
        handoffs = @Handoff(to = "concierge", when = "the question is not about billing"),
        limits = @Limits(maxIterations = 6, maxTokens = 8000, timeoutSeconds = 30))
public class BillingAgent implements ExpertAgent {

    public enum Status { OPEN, PAID }

    public record Invoice(String id, BigDecimal amount, Status status) {
    }

    public record RefundReceipt(String invoiceId, BigDecimal amount, String reference) {
    }

    @Override
    public String instructions() {
        return "You answer billing questions. Refund only paid invoices.";
    }

    @Tool(name = "invoice", description = "Looks up an invoice by id", scope = "billing:read")
    public Invoice invoice(@Param(name = "invoiceId", description = "The invoice id, like INV-1") String invoiceId) {
        return new Invoice(invoiceId, new BigDecimal("42.00"), Status.PAID);
    }

    @Tool(name = "refund", description = "Refunds an amount of a paid invoice", scope = "billing:refund",
            sideEffects = true)
    public RefundReceipt refund(@Param(name = "invoiceId", description = "The invoice id") String invoiceId,
                                @Param(name = "amount", description = "The amount to refund") BigDecimal amount,
                                ToolContext context) {
        return context.perform(RefundReceipt.class, key -> new RefundReceipt(invoiceId, amount, key));
    }
}
