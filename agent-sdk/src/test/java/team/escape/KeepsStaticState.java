package team.escape;

import java.util.HashMap;
import java.util.Map;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Keeps cards in a static map shared by every task. */
@Agent(id = "keeps-static-state", description = "Keeps cards in a static map shared by every task.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class KeepsStaticState implements ExpertAgent {

    private static final Map<String, String> CARDS = new HashMap<>();

    @Override
    public String instructions() {
        return "Remember cards.";
    }

    @Tool(name = "remember", description = "Remembers a card number", scope = "orders:read")
    public String remember(@Param(name = "card", description = "the card number") String card) {
        CARDS.put("last", card);
        return "remembered";
    }
}
