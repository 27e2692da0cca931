package dev.switchboard.agent.sdk.definition;

import dev.switchboard.agent.sdk.Limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules an agent declaration must follow, with their messages. The annotation processor reports them as
 * compile errors and {@link AgentDefinition} throws them at run time, so an author sees the same words in
 * both places.
 */
public final class AgentRules {

    /** Lowercase words joined by single hyphens, for example {@code billing-agent}. */
    public static final Pattern AGENT_ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    /** What model providers accept as a function name. */
    public static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");

    /** The built-in tool that hands the conversation to another agent. */
    public static final String HANDOFF_TOOL = "handoff";
    /** The built-in tool that asks for a human. */
    public static final String ESCALATE_TOOL = "escalate_to_human";
    public static final Set<String> RESERVED_TOOL_NAMES = Set.of(HANDOFF_TOOL, ESCALATE_TOOL);

    public static final int MAX_ITERATIONS = 50;
    public static final int MAX_TOKENS = 1_000_000;
    public static final int MAX_TIMEOUT_SECONDS = 600;

    /** The Java types a tool parameter may have, besides enums, records and List/Set of allowed types. */
    public static final String ALLOWED_TYPES = "String, boolean, numbers, BigDecimal, BigInteger, enums, "
            + "records and List/Set of these";

    private AgentRules() {
    }

    public static String unknownHandoff(String agentId, String target) {
        return "Agent '" + agentId + "' hands off to unknown agent '" + target + "'";
    }

    public static String undeclaredScope(String agentId, String tool, String scope) {
        return "Tool '" + tool + "' of agent '" + agentId + "' requires scope '" + scope
                + "', which the agent does not declare";
    }

    public static String sideEffectsWithoutScope(String agentId, String tool) {
        return "Tool '" + tool + "' of agent '" + agentId + "' has side effects but no scope: declare scope = \"...\" "
                + "so that a task must grant it";
    }

    public static String toolCallsTool(String agentId, String tool, String other) {
        return "Agent '" + agentId + "' tool '" + tool + "' calls tool '" + other + "': a tool runs only when the "
                + "model calls it, with its own scope check";
    }

    public static String missingLimits(String agentId) {
        return "Agent '" + agentId + "' declares no limits: add limits = @Limits(maxIterations = ..., "
                + "maxTokens = ..., timeoutSeconds = ...)";
    }

    public static String missingLimit(String agentId, String limit) {
        return "Agent '" + agentId + "' does not set limits." + limit;
    }

    public static String limitOutOfRange(String agentId, String limit, int value, int max) {
        return "Agent '" + agentId + "' sets limits." + limit + " = " + value + "; it must be between 1 and " + max;
    }

    public static String duplicateAgentId(String agentId, String otherClass) {
        return "Agent id '" + agentId + "' is already used by " + otherClass;
    }

    public static String notKebabCase(String agentId) {
        return "Agent id '" + agentId + "' is not kebab-case (lowercase letters and digits in words joined "
                + "by single hyphens, for example 'billing-agent')";
    }

    public static String notExpertAgent(String agentId) {
        return "Agent '" + agentId + "' must implement dev.switchboard.agent.sdk.ExpertAgent";
    }

    public static String notInstantiable(String agentId) {
        return "Agent '" + agentId + "' must be a public, non-abstract, top-level or static class "
                + "with a public no-argument constructor";
    }

    public static String duplicateTool(String agentId, String tool) {
        return "Agent '" + agentId + "' has more than one tool named '" + tool + "'";
    }

    public static String badToolName(String agentId, String tool) {
        return "Tool '" + tool + "' of agent '" + agentId + "' has an invalid name (letters, digits and "
                + "underscores, starting with a letter)";
    }

    public static String reservedToolName(String agentId, String tool) {
        return "Tool '" + tool + "' of agent '" + agentId + "' uses a reserved name (built-in tool)";
    }

    public static String toolNotPublic(String agentId, String tool) {
        return "Tool '" + tool + "' of agent '" + agentId + "' must be a public instance method";
    }

    public static String missingParam(String agentId, String tool, int position) {
        return "Tool '" + tool + "' of agent '" + agentId + "': parameter " + position
                + " needs @Param(name = ..., description = ...) or must be a ToolContext";
    }

    public static String duplicateParam(String agentId, String tool, String param) {
        return "Tool '" + tool + "' of agent '" + agentId + "' has more than one parameter named '" + param + "'";
    }

    public static String unsupportedType(String agentId, String tool, String param, String typeName) {
        return "Tool '" + tool + "' of agent '" + agentId + "': parameter '" + param + "' uses type " + typeName
                + ", which cannot be described as JSON schema (allowed: " + ALLOWED_TYPES + ")";
    }

    /** Checks a limit's value; returns the problem, or null when the value is valid. */
    static String checkLimit(String agentId, String limit, int value, int max) {
        if (value == Limits.UNSET) {
            return missingLimit(agentId, limit);
        }
        if (value < 1 || value > max) {
            return limitOutOfRange(agentId, limit, value, max);
        }
        return null;
    }

    /**
     * Checks the three limits the way both the processor and the runtime do; returns the problems found,
     * in a fixed order (all unset is one problem).
     */
    public static List<String> checkLimits(String agentId, int maxIterations, int maxTokens,
                                                     int timeoutSeconds) {
        int unset = Limits.UNSET;
        if (maxIterations == unset && maxTokens == unset && timeoutSeconds == unset) {
            return List.of(missingLimits(agentId));
        }
        List<String> problems = new ArrayList<>();
        addIfPresent(problems, checkLimit(agentId, "maxIterations", maxIterations, MAX_ITERATIONS));
        addIfPresent(problems, checkLimit(agentId, "maxTokens", maxTokens, MAX_TOKENS));
        addIfPresent(problems, checkLimit(agentId, "timeoutSeconds", timeoutSeconds, MAX_TIMEOUT_SECONDS));
        return problems;
    }

    private static void addIfPresent(List<String> problems, String problem) {
        if (problem != null) {
            problems.add(problem);
        }
    }

    /** The qualified names of the non-number, non-string leaf types a tool parameter may use directly. */
    public static final Set<String> SCALAR_TYPES = Set.of(
            "java.lang.String", "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Integer",
            "java.lang.Long", "java.lang.Float", "java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger");
}
