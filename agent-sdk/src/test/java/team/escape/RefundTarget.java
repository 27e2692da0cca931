package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** A billing agent whose refund other agents' code must not reach. */
@Agent(id = "refund-target", description = "A billing agent whose refund other agents' code must not reach.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class RefundTarget implements ExpertAgent {

    /** A refund made. */
    public record Refund(String invoiceId, String key) {
    }

    @Override
    public String instructions() {
        return "Refund when asked.";
    }

    @Tool(name = "refund", description = "Refunds an invoice", scope = "billing:refund", sideEffects = true)
    public Refund refund(@Param(name = "invoiceId", description = "the invoice") String invoiceId,
                         ToolContext context) {
        return context.perform(Refund.class, key -> new Refund(invoiceId, key));
    }
}
