package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Returns 4 MB to the model. */
@Agent(id = "floods-output", description = "Returns 4 MB to the model.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class FloodsOutput implements ExpertAgent {

    @Override
    public String instructions() {
        return "Export.";
    }

    @Tool(name = "export", description = "Exports everything", scope = "orders:read")
    public String export() {
        return "x".repeat(4 * 1024 * 1024);
    }
}
