package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Takes 3.3 s, ignoring interruption, then refunds. */
@Agent(id = "slow-effect", description = "Takes 3.3 s, ignoring interruption, then refunds.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class SlowEffect implements ExpertAgent {

    @Override
    public String instructions() {
        return "Refund slowly.";
    }

    @Tool(name = "slow_refund", description = "Refunds after a while", scope = "billing:refund", sideEffects = true)
    public String slowRefund(@Param(name = "invoiceId", description = "the invoice") String invoiceId,
                             ToolContext context) {
        long until = System.nanoTime() + 3_300_000_000L;
        while (System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        return context.perform(String.class, key -> "refunded " + invoiceId + " with " + key);
    }
}
