package dev.switchboard.agent;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;

import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.TaskInput;
import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Role;
import dev.switchboard.events.Step;
import dev.switchboard.events.StepKind;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Envelopes;

/** Translates between the wire contracts (Avro) and the agent SDK's plain types, and builds the host's failures. */
public final class TaskMapping {

    private TaskMapping() {
    }

    /** The loop's input: the task's text, history, granted scopes and limits (never above the agent's). */
    static TaskInput input(AgentTask task, Duration timeout) {
        List<ChatMessage> history = task.getHistory().stream()
                .map(m -> m.getRole() == Role.USER ? ChatMessage.user(m.getText()) : ChatMessage.assistant(m.getText()))
                .toList();
        var principal = task.getEnvelope().getPrincipal();
        return TaskInput.of(task.getTaskId(), task.getEnvelope().getSessionId(),
                        new Principal(principal.getTenant(), principal.getUser()), task.getText())
                .withHistory(history)
                .withGrantedScopes(new HashSet<>(task.getGrantedScopes()))
                .withLimits(task.getMaxIterations(), task.getMaxTokens(), timeout);
    }

    static AgentResult result(AgentTask task, LoopResult loop) {
        AgentResult.Builder result = base(task, new Usage(loop.usage().inputTokens(), loop.usage().outputTokens(),
                loop.usage().iterations()), loop.model())
                .setOutcome(Outcome.valueOf(loop.outcome().name()))
                .setReply(loop.reply())
                .setEscalation(loop.escalation())
                .setSteps(loop.steps().stream().map(s -> new Step(StepKind.valueOf(s.kind().name()), s.name(),
                        s.detail(), s.durationMillis(), s.output())).toList());
        if (loop.handoff() != null) {
            result.setHandoff(new Handoff(loop.handoff().target(), loop.handoff().reason(), loop.handoff().context()));
        }
        if (loop.failure() != null) {
            result.setFailure(new Failure(loop.failure().code(), loop.failure().message()));
        }
        return result.build();
    }

    /**
     * A failure decided by the host rather than the loop: before any loop ran (an agent this instance does not host,
     * a deadline already passed), or when the loop ended with an exception, whose usage is then unknown.
     */
    public static AgentResult failure(AgentTask task, String code, String message) {
        return base(task, new Usage(0L, 0L, 0), null).setOutcome(Outcome.FAILURE)
                .setFailure(new Failure(code, message)).setSteps(List.of()).build();
    }

    /**
     * {@code result} replaced by a failure (a result too large to write, or one the broker refused): the same task,
     * ticket, model and usage, so that the tokens spent are still debited, without reply, handoff, escalation or steps.
     */
    public static AgentResult failure(AgentResult result, String code, String message) {
        // field by field: Avro's copying builder resolves classes in a way Quarkus' class loaders do not share
        return AgentResult.newBuilder().setEnvelope(result.getEnvelope()).setTaskId(result.getTaskId())
                .setAgent(result.getAgent()).setTicket(result.getTicket()).setUsage(result.getUsage())
                .setModel(result.getModel()).setOutcome(Outcome.FAILURE).setFailure(new Failure(code, message))
                .setSteps(List.of()).build();
    }

    /**
     * What every result carries, whatever its outcome: the task's identity, and the task's ticket copied
     * unchanged, so that compliance and the supervisor can tell it answers exactly that task. Agent code never
     * sees the ticket (it is not part of the loop's input) and cannot set it.
     */
    private static AgentResult.Builder base(AgentTask task, Usage usage, String model) {
        return AgentResult.newBuilder()
                .setEnvelope(Envelopes.derive(task.getEnvelope(), "result"))
                .setTaskId(task.getTaskId())
                .setAgent(task.getAgent())
                .setTicket(task.getTicket())
                .setUsage(usage)
                .setModel(model);
    }
}
