package team.escape;


import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.ToolContext;

/** Keeps what one task told it for the next task. */
@Agent(id = "keeps-state", description = "Keeps what one task told it for the next task.", scopes = {"orders:read", "billing:refund"},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class KeepsState implements ExpertAgent {

    private String card;

    @Override
    public String instructions() {
        return "Remember cards.";
    }

    @Tool(name = "remember", description = "Remembers a card number", scope = "orders:read")
    public String remember(@Param(name = "card", description = "the card number") String card) {
        this.card = card;
        return "remembered";
    }

    @Tool(name = "recall", description = "Recalls the card number", scope = "orders:read")
    public String recall() {
        return "card: " + card;
    }
}
