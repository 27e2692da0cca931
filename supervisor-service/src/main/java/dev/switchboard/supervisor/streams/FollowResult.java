package dev.switchboard.supervisor.streams;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.supervisor.Decisions;
import dev.switchboard.supervisor.Delegation;
import dev.switchboard.supervisor.Replies;

/**
 * Turns an agent result into what comes next, and ends turns whose task is overdue.
 *
 * <p>Every result is debited once: its task id is remembered in the {@value TopologyProducer#SETTLED_STORE}
 * store, and a result for a task already settled (a redelivery) is audited and ignored. A result that is not
 * the turn's current task (it came after its deadline, or after its turn ended) is debited, audited and
 * otherwise ignored. The current task's result then leads to the next task (a handoff, through the budget
 * check), to a person (an escalation: the session goes to {@code human.queue} until released), or to the
 * reply that ends the turn.
 *
 * <p>A wall-clock punctuation ends every turn whose task is past its deadline with an apology and an
 * audited timeout; another forgets settled task ids after their retention.
 */
final class FollowResult extends SupervisorProcessor<AgentResult> {

    private KeyValueStore<String, Long> settled;

    FollowResult(Supervision supervision) {
        super(supervision);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        this.settled = context.getStateStore(TopologyProducer.SETTLED_STORE);
        Duration every = supervision.config().timeouts().checkInterval();
        context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::endOverdueTurns);
        Duration retention = supervision.config().timeouts().settledRetention();
        context.schedule(retention.dividedBy(24).compareTo(every) > 0 ? retention.dividedBy(24) : every,
                PunctuationType.WALL_CLOCK_TIME, now -> forgetSettled(now - retention.toMillis()));
    }

    @Override
    public void process(Record<String, AgentResult> record) {
        AgentResult result = record.value();
        String turnId = result.getEnvelope().getTurnId();
        AgentTask current = turns.get(turnId);
        boolean isCurrent = current != null && current.getTaskId().equals(result.getTaskId());
        // Audit under the identity the supervisor gave the task when it has it: the result's may be forged.
        Envelope trusted = isCurrent ? current.getEnvelope() : result.getEnvelope();
        if (settled.get(result.getTaskId()) != null) {
            context.forward(record.withValue(Decisions.of(trusted, DecisionKind.DUPLICATE_RESULT, "already_settled",
                    "result of a settled task received again: not debited", result.getAgent(), result.getTaskId())));
            return;
        }
        settled.put(result.getTaskId(), context.currentSystemTimeMs());
        debit(record, trusted, result);
        if (!isCurrent) {
            context.forward(record.withValue(Decisions.of(trusted, DecisionKind.LATE_RESULT,
                    current == null ? "turn_not_in_progress" : "not_current_task",
                    "result after its task was timed out or replaced: debited, not delivered",
                    result.getAgent(), result.getTaskId())));
            return;
        }
        switch (result.getOutcome()) {
            case HANDOFF -> handOff(record, current, result);
            case ESCALATION -> escalate(record, current, result);
            default -> {
                turns.delete(turnId);
                context.forward(record.withValue(Replies.forResult(result)));
            }
        }
    }

    private void handOff(Record<String, AgentResult> record, AgentTask current, AgentResult result) {
        Delegation.Next next = supervision.delegation().follow(current, result, this);
        if (next.task() != null) {
            dispatch(record, next.task(), policy(current.getEnvelope().getTenant()));
            return;
        }
        turns.delete(current.getEnvelope().getTurnId());
        context.forward(record.withValue(next.reply()));
        context.forward(record.withValue(next.decision()));
    }

    private void escalate(Record<String, AgentResult> record, AgentTask current, AgentResult result) {
        turns.delete(current.getEnvelope().getTurnId());
        AgentTask forPerson = supervision.delegation().toHuman(current, result);
        SupervisorDecision escalated = Decisions.of(current.getEnvelope(), DecisionKind.ESCALATED, "agent_escalation",
                result.getAgent() + " escalated the session to a person", result.getAgent(), result.getTaskId());
        escalations.put(record.key(), escalated);
        context.forward(record.withValue(forPerson));
        context.forward(record.withValue(escalated));
        context.forward(record.withValue(Replies.forResult(result)));
    }

    /** Adds the result's tokens to its session here and, through {@code budgets.tenants}, to its tenant's day. */
    private void debit(Record<String, AgentResult> record, Envelope trusted, AgentResult result) {
        long tokens = result.getUsage().getInputTokens() + result.getUsage().getOutputTokens();
        SessionUsage before = sessionUsage.get(record.key());
        sessionUsage.put(record.key(), SessionUsage.newBuilder()
                .setTenant(trusted.getTenant())
                .setSessionId(record.key())
                .setTokens((before == null ? 0 : before.getTokens()) + tokens)
                .setResults((before == null ? 0 : before.getResults()) + 1)
                .build());
        context.forward(record.withValue(TenantUsage.newBuilder()
                .setTenant(trusted.getTenant()).setDay(today()).setTokens(tokens).setResults(1).build()));
    }

    private void endOverdueTurns(long now) {
        for (KeyValue<String, AgentTask> overdue : entries(turns,
                task -> task.getDeadline() != null && task.getDeadline().toEpochMilli() <= now)) {
            AgentTask task = overdue.value;
            turns.delete(overdue.key);
            Record<String, SpecificRecord> out = new Record<>(task.getEnvelope().getSessionId(), null, now);
            context.forward(out.withValue(Replies.of(task.getEnvelope(), task.getAgent(), ReplyKind.FAILURE,
                    Replies.TIMEOUT)));
            context.forward(out.withValue(Decisions.of(task.getEnvelope(), DecisionKind.TASK_TIMEOUT, "task_deadline",
                    task.getAgent() + " gave no result by " + task.getDeadline(), task.getAgent(), task.getTaskId())));
        }
    }

    private void forgetSettled(long before) {
        for (KeyValue<String, Long> old : entries(settled, settledAt -> settledAt < before)) {
            settled.delete(old.key);
        }
    }
}
