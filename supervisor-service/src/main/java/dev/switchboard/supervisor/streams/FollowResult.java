package dev.switchboard.supervisor.streams;

import java.time.Duration;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.runtime.streams.IdleSessions;
import dev.switchboard.supervisor.Decisions;
import dev.switchboard.supervisor.Delegation;
import dev.switchboard.supervisor.Replies;

/**
 * Turns an agent result into what comes next, and ends turns whose task is overdue.
 *
 * <p>Agent output never chooses its audience. A result counts as the turn's current task's only if the task the
 * supervisor stored for that turn (in {@value TopologyProducer#TURNS_STORE}) has the result's task id and the
 * very ticket the supervisor signed for it, and belongs to the session the result is keyed by. Everything that
 * follows from a current result (the reply, the decisions, the debit, the next task) is built from that stored
 * task's envelope and agent; the result contributes only its outcome, text, handoff request and usage.
 *
 * <p>Every result is debited once: its task id is remembered in the {@value TopologyProducer#SETTLED_STORE}
 * store, and a result for a task already settled (a redelivery) is audited and ignored. A result that is not
 * the turn's current task (it came after its deadline, or after its turn ended) is audited and otherwise
 * ignored; it is debited only when its ticket proves which task, session and tenant it answers. The current
 * task's result then leads to the next task (a handoff, through the budget check), to a person (an escalation:
 * the session goes to {@code human.queue} until released), or to the reply that ends the turn.
 *
 * <p>A wall-clock punctuation ends every turn whose task is past its deadline with an apology and an
 * audited timeout; another forgets, a bounded number at a time, the sessions idle for
 * {@code session-idle-expiry} ({@link IdleSessions}). Settled task ids need no punctuation: the window store
 * forgets them after {@code timeouts.settled-retention}.
 */
final class FollowResult extends SupervisorProcessor<AgentResult> {

    private WindowStore<String, Long> settled;
    private Duration settledRetention;

    FollowResult(Supervision supervision) {
        super(supervision);
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        super.init(context);
        this.settled = context.getStateStore(TopologyProducer.SETTLED_STORE);
        this.settledRetention = supervision.config().timeouts().settledRetention();
        context.schedule(supervision.config().timeouts().checkInterval(), PunctuationType.WALL_CLOCK_TIME,
                this::endOverdueTurns);
        if (supervision.config().sessionExpiryBatch() < 1) {
            throw new IllegalArgumentException("switchboard.supervisor.session-expiry-batch must be at least 1");
        }
        context.schedule(supervision.config().sessionExpiryInterval(), PunctuationType.WALL_CLOCK_TIME,
                this::forgetIdleSessions);
    }

    @Override
    public void process(Record<String, AgentResult> record) {
        touch(record);
        AgentResult result = record.value();
        AgentTask stored = turns.get(result.getEnvelope().getTurnId());
        if (isSettled(result.getTaskId())) {
            context.forward(record.withValue(Decisions.of(auditIdentity(stored, result), DecisionKind.DUPLICATE_RESULT,
                    "already_settled", "result of a settled task received again: not debited", result.getAgent(),
                    result.getTaskId())));
            return;
        }
        if (!isCurrent(record.key(), stored, result)) {
            ignore(record, stored, result);
            return;
        }
        AgentTask current = stored;
        settle(record, current.getEnvelope().getTenant(), result);
        switch (result.getOutcome()) {
            case HANDOFF -> handOff(record, current, result);
            case ESCALATION -> escalate(record, current, result);
            default -> {
                turns.delete(current.getEnvelope().getTurnId());
                context.forward(record.withValue(Replies.forResult(current, result)));
            }
        }
    }

    /**
     * Whether {@code result} answers the turn's current task: the same task id and the same signed ticket as the
     * stored task, keyed by the stored task's session. Compliance already refuses results whose ticket does not
     * match their envelope; checking again here is one string comparison.
     */
    static boolean isCurrent(String session, AgentTask stored, AgentResult result) {
        return stored != null
                && stored.getTaskId().equals(result.getTaskId())
                && stored.getTicket() != null && stored.getTicket().equals(result.getTicket())
                && stored.getEnvelope().getSessionId().equals(session);
    }

    /**
     * The identity a decision about a result that is not (or no longer) current is audited under: the stored
     * task's when the turn has one. Without one, the result's envelope is all there is: the decision then goes
     * to {@code supervisor.decisions} only, keyed by the record key (the session the result arrived on), so that
     * the refusal is on the audit trail; no reply, task or debit is ever addressed by that envelope (a debit
     * happens only when the result's ticket proves whose task it answers, see {@link #ignore}).
     */
    private static Envelope auditIdentity(AgentTask stored, AgentResult result) {
        return stored != null ? stored.getEnvelope() : result.getEnvelope();
    }

    /**
     * A result that is not the turn's current task: audited, never delivered. Its tokens were spent all the same
     * (a task that timed out and answered late), so it is debited when its ticket, signed by this supervisor,
     * names exactly the result's tenant, session, turn, user, channel, agent and task, on the session it came on.
     */
    private void ignore(Record<String, AgentResult> record, AgentTask stored, AgentResult result) {
        boolean signed = supervision.tickets().refusal(result).isEmpty()
                && result.getEnvelope().getSessionId().equals(record.key());
        if (signed) {
            settle(record, result.getEnvelope().getTenant(), result);
        }
        context.forward(record.withValue(Decisions.of(auditIdentity(stored, result), DecisionKind.LATE_RESULT,
                stored == null ? "turn_not_in_progress" : "not_current_task",
                "result after its task was timed out or replaced, or not the task's own: "
                        + (signed ? "debited" : "not debited") + ", not delivered",
                result.getAgent(), result.getTaskId())));
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
        AgentTask forPerson = ticketed(supervision.delegation().toHuman(current, result));
        SupervisorDecision escalated = Decisions.of(current.getEnvelope(), DecisionKind.ESCALATED, "agent_escalation",
                current.getAgent() + " escalated the session to a person", current.getAgent(), current.getTaskId());
        escalations.put(record.key(), escalated);
        context.forward(record.withValue(forPerson));
        context.forward(record.withValue(escalated));
        context.forward(record.withValue(Replies.forResult(current, result)));
    }

    /**
     * Marks the result's task settled and adds its tokens to the session here and, through
     * {@code budgets.tenants}, to {@code tenant}'s day.
     */
    private void settle(Record<String, AgentResult> record, String tenant, AgentResult result) {
        long now = context.currentSystemTimeMs();
        settled.put(result.getTaskId(), now, now);
        long tokens = result.getUsage().getInputTokens() + result.getUsage().getOutputTokens();
        SessionUsage before = sessionUsage.get(record.key());
        sessionUsage.put(record.key(), SessionUsage.newBuilder()
                .setTenant(tenant)
                .setSessionId(record.key())
                .setTokens((before == null ? 0 : before.getTokens()) + tokens)
                .setResults((before == null ? 0 : before.getResults()) + 1)
                .build());
        context.forward(record.withValue(TenantUsage.newBuilder()
                .setTenant(tenant).setDay(today()).setTokens(tokens).setResults(1).build()));
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

    /** Whether the task's result was debited within the settled retention (the window store's lookup range). */
    private boolean isSettled(String taskId) {
        long now = context.currentSystemTimeMs();
        try (WindowStoreIterator<Long> found = settled.fetch(taskId, now - settledRetention.toMillis(), now)) {
            return found.hasNext();
        }
    }

    /**
     * Forgets at most {@code session-expiry-batch} sessions idle for {@code session-idle-expiry}, oldest first: their
     * usage (the session budget starts again) and their escalation, which is audited as released. The deletes
     * are tombstones on the stores' changelogs; the task's turns in progress end on their own deadlines.
     */
    private void forgetIdleSessions(long now) {
        for (String session : idleSessions.expire(now, supervision.config().sessionIdleExpiry(),
                supervision.config().sessionExpiryBatch())) {
            sessionUsage.delete(session);
            SupervisorDecision escalated = escalations.delete(session);
            if (escalated != null) {
                context.forward(new Record<String, SpecificRecord>(session, Decisions.of(escalated.getEnvelope(),
                        DecisionKind.RELEASED, "session_idle_expired", "released: the session was idle for "
                                + supervision.config().sessionIdleExpiry(), null, null), now));
            }
        }
    }
}
