package dev.switchboard.agents;

import java.math.BigDecimal;
import java.util.List;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/**
 * Answers billing questions and issues refunds. Refunding needs the narrower {@code billing:refund}
 * scope, which a task must grant explicitly; reading invoices needs only {@code billing:read}.
 */
@Agent(id = "billing-agent",
        description = "Answers questions about invoices and payments, and issues refunds",
        scopes = {"billing:read", "billing:refund"},
        handoffs = @Handoff(to = "concierge", when = "the question is not about billing"),
        limits = @Limits(maxIterations = 6, maxTokens = 8000, timeoutSeconds = 30))
public class BillingAgent implements ExpertAgent {

    /** An invoice of the sample ledger. */
    public record Invoice(String id, BigDecimal amount, String status) {
    }

    /** What a refund did; the same idempotency key always gives the same receipt. */
    public record RefundReceipt(String refundId, String invoiceId, BigDecimal amount, String idempotencyKey) {
    }

    /** Sample invoices per user; a real agent would call the billing system. */
    private static final List<Invoice> INVOICES = List.of(
            new Invoice("INV-1001", new BigDecimal("49.00"), "paid"),
            new Invoice("INV-1002", new BigDecimal("19.90"), "open"));

    @Override
    public String instructions() {
        return """
                You are the billing specialist. Use list_invoices to see the user's invoices before you answer.
                Only refund a paid invoice, never more than its amount, and only when the user asks for it.
                Confirm refunds with their refund id. Hand off to concierge for anything else.""";
    }

    @Tool(name = "list_invoices", description = "Lists the user's invoices with amount and status",
            scope = "billing:read")
    public List<Invoice> listInvoices() {
        return INVOICES;
    }

    @Tool(name = "refund", description = "Refunds all or part of a paid invoice", scope = "billing:refund",
            sideEffects = true)
    public RefundReceipt refund(@Param(name = "invoiceId", description = "the invoice, like INV-1001") String invoiceId,
            @Param(name = "amount", description = "the amount to refund") BigDecimal amount, ToolContext context) {
        Invoice invoice = INVOICES.stream().filter(i -> i.id().equals(invoiceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No invoice " + invoiceId));
        if (!invoice.status().equals("paid") || amount.signum() <= 0 || amount.compareTo(invoice.amount()) > 0) {
            throw new IllegalArgumentException("Only up to " + invoice.amount() + " of a paid invoice can be refunded");
        }
        // The runtime runs the refund once per task and step; a real agent passes the key to the payment system.
        return context.perform(RefundReceipt.class, key -> new RefundReceipt(
                "RF-" + Integer.toHexString(key.hashCode()), invoiceId, amount, key));
    }
}
