package dev.switchboard.agent;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import dev.switchboard.agent.model.TaskDeadline;
import dev.switchboard.agent.sdk.definition.AgentCatalog;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.loop.AgentLoop;
import dev.switchboard.agent.sdk.loop.ToolRunner;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;

/**
 * Runs one task of a hosted agent through the SDK's agent loop and turns it into exactly one result.
 * The loop, the model and the budget run here; each agent's own code runs in its tool process
 * ({@link ToolRunner}). The loop enforces the task's granted scopes and limits (never above the agent's own).
 */
public final class AgentRunner implements AutoCloseable {

    private record Hosted(AgentDefinition definition, AgentLoop loop, ToolRunner tools) {
    }

    private final Map<String, Hosted> hosted = new LinkedHashMap<>();

    /**
     * @param agentIds the agents this instance hosts; each must be in the catalog
     * @param catalog  the agents found on the class path
     * @param models   the model each agent runs on
     * @param tools      starts the process that runs an agent's code
     * @throws IllegalArgumentException naming a hosted agent the catalog does not have
     */
    public AgentRunner(List<String> agentIds, AgentCatalog catalog, Function<AgentDefinition, ChatModel> models,
            Function<AgentDefinition, ToolRunner> tools) {
        for (String id : agentIds) {
            AgentDefinition definition = catalog.agent(id).orElseThrow(() -> new IllegalArgumentException(
                    "Agent '" + id + "' is configured to be hosted but no such agent is on the class path; known: "
                            + catalog.agents().stream().map(AgentDefinition::id).toList()));
            try {
                ToolRunner runner = tools.apply(definition);
                hosted.put(id, new Hosted(definition, new AgentLoop(definition, runner, models.apply(definition)),
                        runner));
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /** The class names of the agents in {@code catalog}: one agent's code must not call into another's. */
    public static java.util.Set<String> agentClassNames(AgentCatalog catalog) {
        return catalog.agents().stream().map(d -> d.type().getName()).collect(java.util.stream.Collectors.toSet());
    }

    /** The agents found on the class path, with handoffs checked among them. */
    public static AgentCatalog discoverAgents() {
        return AgentCatalog.discover(AgentRunner.class.getClassLoader(), Set.of());
    }

    /** The definitions of the hosted agents. */
    public List<AgentDefinition> definitions() {
        return hosted.values().stream().map(Hosted::definition).toList();
    }

    public AgentResult run(AgentTask task) {
        Hosted agent = hosted.get(task.getAgent());
        if (agent == null) {
            return TaskMapping.failure(task, "agent_not_hosted", "Agent " + task.getAgent() + " is not hosted by this service");
        }
        Duration timeout = agent.definition().limits().timeout();
        if (task.getDeadline() != null) {
            // The supervisor ends the turn at the deadline: work after it would be spent for nothing.
            Duration left = Duration.between(Instant.now(), task.getDeadline());
            if (left.isNegative() || left.isZero()) {
                return TaskMapping.failure(task, "deadline_passed", "The task's deadline passed before it started");
            }
            timeout = left.compareTo(timeout) < 0 ? left : timeout;
        }
        // The loop bounds tool calls by its deadline; model calls learn it from TaskDeadline (the SDK's
        // ModelRequest has no time limit), so a slow provider cannot keep the task past it either.
        Duration limit = timeout;
        return TaskDeadline.run(Instant.now().plus(limit),
                () -> TaskMapping.result(task, agent.loop().run(TaskMapping.input(task, limit))));
    }

    /** Stops the agents' tool processes. */
    @Override
    public void close() {
        hosted.values().forEach(agent -> agent.tools().close());
    }
}
