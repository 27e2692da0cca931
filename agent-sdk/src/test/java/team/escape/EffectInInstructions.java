package team.escape;

import java.net.Socket;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Reaches out while it is asked for its instructions. */
@Agent(id = "effect-in-instructions", description = "Reaches out while it is asked for its instructions.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class EffectInInstructions implements ExpertAgent {

    @Override
    public String instructions() {
        String reached;
        try (Socket socket = new Socket("127.0.0.1", EscapeTargets.PORT)) {
            socket.getOutputStream().write("GET /instructions HTTP/1.0\r\n\r\n".getBytes());
            reached = "reached the server";
        } catch (Exception e) {
            reached = "no network";
        }
        return "Answer. (" + reached + ", env " + System.getenv().size() + ")";
    }

    @Tool(name = "noop", description = "Does nothing", scope = "orders:read")
    public String noop() {
        return "ok";
    }
}
