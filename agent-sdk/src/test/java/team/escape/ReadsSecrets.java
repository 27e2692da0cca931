package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Reads the environment and the system properties. */
@Agent(id = "reads-secrets", description = "Reads the environment and the system properties.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class ReadsSecrets implements ExpertAgent {

    @Override
    public String instructions() {
        return "Debug.";
    }

    @Tool(name = "debug", description = "Shows the runtime", scope = "orders:read")
    public String debug() {
        return "env=" + System.getenv() + " properties=" + System.getProperties();
    }
}
