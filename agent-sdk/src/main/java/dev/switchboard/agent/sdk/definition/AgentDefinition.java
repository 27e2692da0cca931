package dev.switchboard.agent.sdk.definition;

import dev.switchboard.agent.sdk.Agent;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Param;
import dev.switchboard.agent.sdk.Tool;
import dev.switchboard.agent.sdk.model.ToolSpec;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An agent as the runtime knows it, read from its {@link Agent} annotations. {@link #of(Class)} checks the
 * same rules as the compile-time processor (except those that need the other agents: see
 * {@link AgentCatalog}) and throws {@link AgentDefinitionException} with the same messages.
 */
public final class AgentDefinition {

    /**
     * A declared handoff target.
     *
     * @param to   the target agent's id
     * @param when when to hand off, for the model
     */
    public record HandoffTarget(String to, String when) {
    }

    /**
     * The agent's hard limits per task.
     *
     * @param maxIterations the most model calls
     * @param maxTokens     the most tokens, input plus output
     * @param timeout       the most wall-clock time
     */
    public record AgentLimits(int maxIterations, long maxTokens, Duration timeout) {
    }

    private final Class<? extends ExpertAgent> type;
    private final String id;
    private final String description;
    private final Set<String> scopes;
    private final List<HandoffTarget> handoffs;
    private final AgentLimits limits;
    private final String model;
    private final List<ToolDefinition> tools;

    private AgentDefinition(Class<? extends ExpertAgent> type, Agent agent, List<ToolDefinition> tools) {
        this.type = type;
        this.id = agent.id();
        this.description = agent.description();
        this.scopes = Set.copyOf(new LinkedHashSet<>(Arrays.asList(agent.scopes())));
        this.handoffs = Arrays.stream(agent.handoffs()).map(h -> new HandoffTarget(h.to(), h.when())).toList();
        this.limits = new AgentLimits(agent.limits().maxIterations(), agent.limits().maxTokens(),
                Duration.ofSeconds(agent.limits().timeoutSeconds()));
        this.model = agent.model();
        this.tools = List.copyOf(tools);
    }

    /**
     * Reads and checks an agent class.
     *
     * @throws AgentDefinitionException listing every broken rule
     */
    public static AgentDefinition of(Class<?> type) {
        Agent agent = type.getAnnotation(Agent.class);
        if (agent == null) {
            throw new AgentDefinitionException(List.of("Class " + type.getName() + " has no @Agent annotation"));
        }
        String id = agent.id();
        List<String> problems = new ArrayList<>();
        if (!AgentRules.AGENT_ID.matcher(id).matches()) {
            problems.add(AgentRules.notKebabCase(id));
        }
        if (!ExpertAgent.class.isAssignableFrom(type)) {
            problems.add(AgentRules.notExpertAgent(id));
        }
        if (!isInstantiable(type)) {
            problems.add(AgentRules.notInstantiable(id));
        }
        problems.addAll(AgentRules.checkLimits(id, agent.limits().maxIterations(), agent.limits().maxTokens(),
                agent.limits().timeoutSeconds()));
        Set<String> scopes = Set.of(agent.scopes());
        List<ToolDefinition> tools = new ArrayList<>();
        Set<String> toolNames = new HashSet<>();
        List<Method> methods = Arrays.stream(type.getDeclaredMethods())
                .filter(m -> m.isAnnotationPresent(Tool.class))
                .sorted(Comparator.comparing(Method::getName))
                .toList();
        for (Method method : methods) {
            ToolDefinition tool = readTool(id, scopes, method, toolNames, problems);
            if (tool != null) {
                tools.add(tool);
            }
        }
        if (!problems.isEmpty()) {
            throw new AgentDefinitionException(problems);
        }
        @SuppressWarnings("unchecked")
        Class<? extends ExpertAgent> agentType = (Class<? extends ExpertAgent>) type;
        return new AgentDefinition(agentType, agent, tools);
    }

    private static boolean isInstantiable(Class<?> type) {
        int modifiers = type.getModifiers();
        if (!Modifier.isPublic(modifiers) || Modifier.isAbstract(modifiers) || type.isInterface()
                || (type.getEnclosingClass() != null && !Modifier.isStatic(modifiers))) {
            return false;
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return Modifier.isPublic(constructor.getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static ToolDefinition readTool(String agentId, Set<String> scopes, Method method, Set<String> toolNames,
                                           List<String> problems) {
        Tool tool = method.getAnnotation(Tool.class);
        String name = tool.name().isEmpty() ? method.getName() : tool.name();
        int before = problems.size();
        if (AgentRules.RESERVED_TOOL_NAMES.contains(name)) {
            problems.add(AgentRules.reservedToolName(agentId, name));
        } else if (!AgentRules.TOOL_NAME.matcher(name).matches()) {
            problems.add(AgentRules.badToolName(agentId, name));
        }
        if (!toolNames.add(name)) {
            problems.add(AgentRules.duplicateTool(agentId, name));
        }
        if (!Modifier.isPublic(method.getModifiers()) || Modifier.isStatic(method.getModifiers())) {
            problems.add(AgentRules.toolNotPublic(agentId, name));
        }
        if (!tool.scope().isEmpty() && !scopes.contains(tool.scope())) {
            problems.add(AgentRules.undeclaredScope(agentId, name, tool.scope()));
        }
        if (tool.sideEffects() && tool.scope().isEmpty()) {
            problems.add(AgentRules.sideEffectsWithoutScope(agentId, name));
        }
        List<ToolDefinition.Parameter> parameters = new ArrayList<>();
        Set<String> parameterNames = new HashSet<>();
        Parameter[] reflected = method.getParameters();
        for (int i = 0; i < reflected.length; i++) {
            Type type = reflected[i].getParameterizedType();
            Param param = reflected[i].getAnnotation(Param.class);
            if (ToolDefinition.isContextType(type) && param == null) {
                parameters.add(new ToolDefinition.Parameter(null, null, type));
                continue;
            }
            if (param == null) {
                problems.add(AgentRules.missingParam(agentId, name, i + 1));
                continue;
            }
            if (!parameterNames.add(param.name())) {
                problems.add(AgentRules.duplicateParam(agentId, name, param.name()));
            }
            String unsupported = JsonSchemas.unsupportedType(type);
            if (unsupported != null) {
                problems.add(AgentRules.unsupportedType(agentId, name, param.name(), unsupported));
            }
            parameters.add(new ToolDefinition.Parameter(param.name(), param.description(), type));
        }
        if (problems.size() > before) {
            return null;
        }
        return new ToolDefinition(name, tool.description(), tool.scope().isEmpty() ? null : tool.scope(),
                tool.sideEffects(), tool.egress().isEmpty() ? null : tool.egress(), method, parameters);
    }

    /** A new instance of the agent class. */
    public ExpertAgent newAgent() {
        try {
            return type.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot create agent '" + id + "'", e);
        }
    }

    public Class<? extends ExpertAgent> type() {
        return type;
    }

    public String id() {
        return id;
    }

    public String description() {
        return description;
    }

    /** The scopes the agent may ever use: the ceiling of what a task grants it. */
    public Set<String> scopes() {
        return scopes;
    }

    public List<HandoffTarget> handoffs() {
        return handoffs;
    }

    /** True when the agent declares a handoff to {@code agentId}. */
    public boolean mayHandOffTo(String agentId) {
        return handoffs.stream().anyMatch(h -> h.to().equals(agentId));
    }

    public AgentLimits limits() {
        return limits;
    }

    /** The model name the agent asks for ({@code "default"} unless set). */
    public String model() {
        return model;
    }

    public List<ToolDefinition> tools() {
        return tools;
    }

    public Optional<ToolDefinition> tool(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The agent's own tools as the model sees them (the built-in handoff and escalation tools excluded). */
    public List<ToolSpec> toolSpecs() {
        return tools.stream().map(ToolDefinition::spec).toList();
    }

    @Override
    public String toString() {
        return "AgentDefinition[" + id + "]";
    }
}
