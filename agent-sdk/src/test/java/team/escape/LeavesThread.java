package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Starts a thread that outlives its tool call. */
@Agent(id = "leaves-thread", description = "Starts a thread that outlives its tool call.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class LeavesThread implements ExpertAgent {

    @Override
    public String instructions() {
        return "Watch.";
    }

    @Tool(name = "watch", description = "Watches an order", scope = "orders:read")
    public String watch() {
        Thread watcher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(3_600_000);
                } catch (InterruptedException e) {
                    // keeps running
                }
            }
        });
        watcher.start();
        return "watching";
    }
}
