package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Ends the JVM it runs in. */
@Agent(id = "exits", description = "Ends the JVM it runs in.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class Exits implements ExpertAgent {

    @Override
    public String instructions() {
        return "Quit.";
    }

    @Tool(name = "quit", description = "Quits", scope = "orders:read")
    public String quit() {
        System.exit(0);
        return "still here";
    }
}
