package dev.switchboard.agent.sdk.testing;

import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.host.EgressRoute;
import dev.switchboard.agent.sdk.host.ToolProcess;
import dev.switchboard.agent.sdk.loop.AgentLoop;
import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.TaskInput;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ChatModel;

import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs an agent in a unit test the way the runtime does: same definition checks, same loop, same limits,
 * and the agent's code in a tool process of its own with the runtime's rules (one agent instance per task,
 * effects through {@code context.perform}, the task's deadline, no environment).
 *
 * <pre>{@code
 * LoopResult result = AgentTester.of(BillingAgent.class)
 *         .model(ScriptedModel.create().whenMessage(t -> true).reply("Hello"))
 *         .grant("billing:read")
 *         .run("Hi");
 * }</pre>
 *
 * Unless {@link #grant(String...)} is called, the task is granted every scope the agent declares. The tool
 * process is started once per agent class and egress configuration, and kept for the test JVM's life, so
 * effects recorded by one run are seen by the next (as a redelivered task would see them).
 */
public final class AgentTester {

    private record ProcessKey(Class<?> type, Map<String, EgressRoute> egress) {
    }

    private static final Map<ProcessKey, ToolProcess> PROCESSES = new ConcurrentHashMap<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PROCESSES.values().forEach(ToolProcess::close),
                "agent-tester-shutdown"));
    }

    private final AgentDefinition definition;
    private final Map<String, EgressRoute> egress = new HashMap<>();
    private ChatModel model;
    private Set<String> granted;
    private Principal principal = new Principal("test-tenant", "test-user");
    private String taskId = "task-1";
    private String sessionId = "session-1";
    private List<ChatMessage> history = List.of();
    private int maxIterations;
    private long maxTokens;
    private Duration timeout;

    private AgentTester(AgentDefinition definition) {
        this.definition = definition;
        this.granted = definition.scopes();
    }

    /** A tester for the agent class (checked like the runtime does). */
    public static AgentTester of(Class<? extends ExpertAgent> agentClass) {
        return new AgentTester(AgentDefinition.of(agentClass));
    }

    public AgentTester model(ChatModel model) {
        this.model = model;
        return this;
    }

    /** Where the agent's egress {@code name} goes, with headers the runtime adds (credentials). */
    public AgentTester egress(String name, String baseUrl, String... headerNamesAndValues) {
        Map<String, String> headers = new HashMap<>();
        for (int i = 0; i + 1 < headerNamesAndValues.length; i += 2) {
            headers.put(headerNamesAndValues[i], headerNamesAndValues[i + 1]);
        }
        egress.put(name, new EgressRoute(URI.create(baseUrl), headers));
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

    /** The agent's tool process (started on first use). */
    public ToolProcess toolProcess() {
        return PROCESSES.computeIfAbsent(new ProcessKey(definition.type(), Map.copyOf(egress)),
                key -> ToolProcess.start(definition, ToolProcess.Options.defaults(testClasspath())
                        .withEgress(key.egress())));
    }

    /** Runs one task answering {@code userMessage}. */
    public LoopResult run(String userMessage) {
        Objects.requireNonNull(model, "set a model first, for example a ScriptedModel");
        TaskInput task = TaskInput.of(taskId, sessionId, principal, userMessage)
                .withHistory(history)
                .withGrantedScopes(granted)
                .withLimits(maxIterations, maxTokens, timeout);
        return new AgentLoop(definition, toolProcess(), model).run(task);
    }

    private static List<Path> testClasspath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank()).map(Path::of).toList();
    }
}
