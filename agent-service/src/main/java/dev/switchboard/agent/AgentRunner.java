package dev.switchboard.agent;

import java.util.List;
import java.util.Map;

import dev.switchboard.agent.model.Model;
import dev.switchboard.agent.model.ModelReply;
import dev.switchboard.agent.model.OfflineModel;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Step;
import dev.switchboard.events.StepKind;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Envelopes;

/**
 * Runs one task of a hosted agent within the task's limits and turns it into exactly one result.
 * The agent loop with tools and handoffs is not built yet: one model call answers each task.
 */
public final class AgentRunner {

    private final Map<String, Model> models;

    /** @param agentIds the hosted agents, each answered by the offline model */
    public AgentRunner(List<String> agentIds) {
        this.models = agentIds.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                id -> id, OfflineModel::new));
    }

    public AgentResult run(AgentTask task) {
        Model model = models.get(task.getAgent());
        if (model == null) {
            return failure(task, null, new Usage(0L, 0L, 0), List.of(),
                    "agent_not_hosted", "Agent " + task.getAgent() + " is not hosted by this service");
        }
        if (task.getMaxIterations() < 1) {
            return failure(task, model, new Usage(0L, 0L, 0), List.of(),
                    "iteration_limit", "The task allows no model call");
        }
        long started = System.nanoTime();
        ModelReply reply = model.complete(instructions(task.getAgent()), task.getHistory(), task.getText());
        Step step = new Step(StepKind.MODEL_CALL, model.id(), null, (System.nanoTime() - started) / 1_000_000);
        Usage usage = new Usage(reply.inputTokens(), reply.outputTokens(), 1);
        if (reply.inputTokens() + reply.outputTokens() > task.getMaxTokens()) {
            return failure(task, model, usage, List.of(step), "token_limit",
                    "The task used " + (reply.inputTokens() + reply.outputTokens()) + " tokens of "
                            + task.getMaxTokens() + " allowed");
        }
        return base(task, model, usage, List.of(step)).setOutcome(Outcome.REPLY).setReply(reply.text()).build();
    }

    private static String instructions(String agentId) {
        return "You are the " + agentId + " agent. Answer the user's message helpfully and briefly.";
    }

    private static AgentResult failure(AgentTask task, Model model, Usage usage, List<Step> steps,
            String code, String message) {
        return base(task, model, usage, steps).setOutcome(Outcome.FAILURE)
                .setFailure(new Failure(code, message)).build();
    }

    private static AgentResult.Builder base(AgentTask task, Model model, Usage usage, List<Step> steps) {
        return AgentResult.newBuilder()
                .setEnvelope(Envelopes.derive(task.getEnvelope(), "result"))
                .setTaskId(task.getTaskId())
                .setAgent(task.getAgent())
                .setUsage(usage)
                .setSteps(steps)
                .setModel(model == null ? null : model.id());
    }
}
