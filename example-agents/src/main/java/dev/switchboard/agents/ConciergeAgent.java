package dev.switchboard.agents;

import java.util.Map;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;

/** The first agent every conversation meets: answers simple questions and sends the rest to a specialist. */
@Agent(id = "concierge",
        description = "Greets the user, answers general questions and routes them to the right specialist",
        scopes = {"chat"},
        handoffs = {
            @Handoff(to = "billing-agent", when = "the user asks about invoices, payments or refunds"),
            @Handoff(to = "tech-support", when = "the user reports something that does not work")},
        limits = @Limits(maxIterations = 4, maxTokens = 6000, timeoutSeconds = 30))
public class ConciergeAgent implements ExpertAgent {

    /** Sample answers; a real concierge would read the tenant's help centre. */
    private static final Map<String, String> FAQ = Map.of(
            "opening-hours", "Support answers Monday to Friday, 08:00 to 18:00 CET.",
            "contact", "You can reach us here in the chat at any time.",
            "account", "You can change your account details under Settings > Profile.");

    @Override
    public String instructions() {
        return """
                You are the concierge of a customer service. Greet the user briefly and answer general
                questions, using the faq tool for facts. If the question is about invoices, payments or
                refunds, hand off to billing-agent. If something does not work, hand off to tech-support.
                Never invent facts.""";
    }

    @Tool(name = "faq", description = "Looks up a fact: opening-hours, contact or account", scope = "chat")
    public String faq(@Param(name = "topic", description = "one of opening-hours, contact, account") String topic) {
        return FAQ.getOrDefault(topic, "No entry for '" + topic + "'. Known topics: " + FAQ.keySet());
    }
}
