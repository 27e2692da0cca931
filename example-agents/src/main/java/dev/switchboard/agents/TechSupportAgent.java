package dev.switchboard.agents;

import java.util.Map;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Handoff;
import dev.switchboard.agent.sdk.Limits;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;

/** Diagnoses technical problems from service status and known issues; billing questions go to billing. */
@Agent(id = "tech-support",
        description = "Diagnoses technical problems with the service and explains known issues and fixes",
        scopes = {"support:read"},
        handoffs = @Handoff(to = "billing-agent",
                when = "the problem is about a charge, an invoice or a refund"),
        limits = @Limits(maxIterations = 6, maxTokens = 8000, timeoutSeconds = 45))
public class TechSupportAgent implements ExpertAgent {

    /** A component of the service. */
    public enum Component { WEB, MOBILE, API, PAYMENTS }

    /** Sample status page and known issues; a real agent would call the status page and the tracker. */
    private static final Map<Component, String> STATUS = Map.of(
            Component.WEB, "operational", Component.MOBILE, "operational",
            Component.API, "degraded: elevated latency since 09:10 CET", Component.PAYMENTS, "operational");
    private static final Map<String, String> KNOWN_ISSUES = Map.of(
            "E401", "The session expired: sign out and in again.",
            "E503", "A component is degraded; check service_status and retry in a few minutes.");

    @Override
    public String instructions() {
        return """
                You are technical support. First check service_status for the component the user names,
                then known_issue for any error code they quote. Explain the cause and the fix in plain
                words. If the problem is about a charge, an invoice or a refund, hand off to billing-agent.""";
    }

    @Tool(name = "service_status", description = "The current status of a component", scope = "support:read")
    public String serviceStatus(@Param(name = "component", description = "WEB, MOBILE, API or PAYMENTS")
            Component component) {
        return component + ": " + STATUS.get(component);
    }

    @Tool(name = "known_issue", description = "What an error code means and how to fix it", scope = "support:read")
    public String knownIssue(@Param(name = "code", description = "the error code, like E401") String code) {
        return KNOWN_ISSUES.getOrDefault(code.strip().toUpperCase(), "No known issue for " + code);
    }
}
