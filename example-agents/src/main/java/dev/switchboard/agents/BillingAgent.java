package dev.switchboard.agents;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Matcher;
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
 * Answers billing questions and issues refunds. Refunding needs the narrower {@code billing:refund}
 * scope, which a task must grant explicitly; reading invoices needs only {@code billing:read}. Refunds are made
 * by the payment service behind the {@code payments} egress ({@code POST /refunds}), which the operator maps to
 * its URL and credentials.
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

    /** What a refund did: the payment service's refund id, and the idempotency key it was made with. */
    public record RefundReceipt(String refundId, String invoiceId, BigDecimal amount, String idempotencyKey) {
    }

    /** Sample invoices per user; a real agent would call the billing system. */
    private static final List<Invoice> INVOICES = List.of(
            new Invoice("INV-1001", new BigDecimal("49.00"), "paid"),
            new Invoice("INV-1002", new BigDecimal("19.90"), "open"));

    private static final Pattern REFUND_ID = Pattern.compile("\"refundId\"\\s*:\\s*\"([A-Za-z0-9_-]{1,64})\"");

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
            sideEffects = true, egress = "payments")
    public RefundReceipt refund(@Param(name = "invoiceId", description = "the invoice, like INV-1001") String invoiceId,
            @Param(name = "amount", description = "the amount to refund") BigDecimal amount, ToolContext context) {
        Invoice invoice = INVOICES.stream().filter(i -> i.id().equals(invoiceId)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No invoice " + invoiceId));
        if (!invoice.status().equals("paid") || amount.signum() <= 0 || amount.compareTo(invoice.amount()) > 0) {
            throw new IllegalArgumentException("Only up to " + invoice.amount() + " of a paid invoice can be refunded");
        }
        // Runs once per task and step; the runtime sends the effect's key as the request's Idempotency-Key.
        String body = "{\"invoiceId\":\"" + invoice.id() + "\",\"amount\":\"" + amount.toPlainString() + "\"}";
        return context.perform(RefundReceipt.class, key -> {
            HttpEgress.Response response = context.http().send("POST", "/refunds", "application/json", body);
            Matcher refundId = REFUND_ID.matcher(response.body());
            if (response.status() >= 300 || !refundId.find()) {
                throw new IllegalStateException("The payment service answered " + response.status());
            }
            return new RefundReceipt(refundId.group(1), invoiceId, amount, key);
        });
    }
}
