package dev.switchboard.agent.sdk.testing;

import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.loop.AgentLoop;
import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.TaskInput;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ChatModel;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Runs an agent in a unit test the way the runtime does: same definition checks, same loop, same limits.
 *
 * <pre>{@code
 * LoopResult result = AgentTester.of(BillingAgent.class)
 *         .model(ScriptedModel.create().whenMessage(t -> true).reply("Hello"))
 *         .grant("billing:read")
 *         .run("Hi");
 * }</pre>
 *
 * Unless {@link #grant(String...)} is called, the task is granted every scope the agent declares.
 */
public final class AgentTester {

    private final AgentDefinition definition;
    private final ExpertAgent agent;
    private ChatModel model;
    private Set<String> granted;
    private Principal principal = new Principal("test-tenant", "test-user");
    private String taskId = "task-1";
    private String sessionId = "session-1";
    private List<ChatMessage> history = List.of();
    private int maxIterations;
    private long maxTokens;
    private Duration timeout;

    private AgentTester(AgentDefinition definition, ExpertAgent agent) {
        this.definition = definition;
        this.agent = agent;
        this.granted = definition.scopes();
    }

    /** A tester for a new instance of the agent class (checked like the runtime does). */
    public static AgentTester of(Class<? extends ExpertAgent> agentClass) {
        AgentDefinition definition = AgentDefinition.of(agentClass);
        return new AgentTester(definition, definition.newAgent());
    }

    /** A tester for an agent instance you built, for example with fake services. */
    public static AgentTester of(ExpertAgent agent) {
        return new AgentTester(AgentDefinition.of(agent.getClass()), agent);
    }

    public AgentTester model(ChatModel model) {
        this.model = model;
        return this;
    }

    /** The scopes granted for the task (replaces the default of all declared scopes). */
    public AgentTester grant(String... scopes) {
        this.granted = Set.of(scopes);
        return this;
    }

    public AgentTester principal(String tenant, String user) {
        this.principal = new Principal(tenant, user);
        return this;
    }

    public AgentTester taskId(String taskId) {
        this.taskId = taskId;
        return this;
    }

    public AgentTester sessionId(String sessionId) {
        this.sessionId = sessionId;
        return this;
    }

    public AgentTester history(List<ChatMessage> history) {
        this.history = List.copyOf(history);
        return this;
    }

    /** Task limits, lowered from the agent's (0 or null keeps the agent's). */
    public AgentTester limits(int maxIterations, long maxTokens, Duration timeout) {
        this.maxIterations = maxIterations;
        this.maxTokens = maxTokens;
        this.timeout = timeout;
        return this;
    }

    public AgentDefinition definition() {
        return definition;
    }

    /** Runs one task answering {@code userMessage}. */
    public LoopResult run(String userMessage) {
        Objects.requireNonNull(model, "set a model first, for example a ScriptedModel");
        TaskInput task = TaskInput.of(taskId, sessionId, principal, userMessage)
                .withHistory(history)
                .withGrantedScopes(granted)
                .withLimits(maxIterations, maxTokens, timeout);
        return new AgentLoop(definition, agent, model).run(task);
    }
}
