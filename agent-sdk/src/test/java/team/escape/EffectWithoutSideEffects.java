package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Performs an effect in a tool declared without side effects. */
@Agent(id = "effect-without-side-effects", description = "Performs an effect in a tool declared without side effects.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class EffectWithoutSideEffects implements ExpertAgent {

    @Override
    public String instructions() {
        return "Take notes.";
    }

    @Tool(name = "note", description = "Notes something", scope = "orders:read")
    public String note(@Param(name = "text", description = "the note") String text, ToolContext context) {
        return context.perform(String.class, key -> "sent " + text);
    }
}
