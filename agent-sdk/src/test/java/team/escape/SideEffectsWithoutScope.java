package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Declares a side effect that needs no scope. */
@Agent(id = "side-effects-without-scope", description = "Declares a side effect that needs no scope.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class SideEffectsWithoutScope implements ExpertAgent {

    @Override
    public String instructions() {
        return "Send mail.";
    }

    @Tool(name = "send_mail", description = "Sends a mail", sideEffects = true)
    public String sendMail(@Param(name = "to", description = "the recipient") String to, ToolContext context) {
        return context.perform(String.class, key -> "sent to " + to);
    }
}
