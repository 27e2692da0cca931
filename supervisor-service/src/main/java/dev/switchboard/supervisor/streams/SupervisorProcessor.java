package dev.switchboard.supervisor.streams;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.runtime.streams.IdleSessions;
import dev.switchboard.runtime.streams.PromptCommits;
import dev.switchboard.supervisor.AgentDirectory;
import dev.switchboard.supervisor.Budget;
import dev.switchboard.supervisor.Decisions;
import dev.switchboard.supervisor.Replies;
import dev.switchboard.supervisor.TenantPolicy;

/**
 * What the supervisor's processors share: the turns in progress, session usage and escalations (local
 * stores, partitioned by session like every input), the agent catalog, tenant policies and tenant usage
 * (global stores), and the one way a task is dispatched: after the budget check, with its deadline and its
 * signed ticket ({@link #ticketed}: every task the supervisor issues carries one).
 * Processors forward {@link AgentTask}, {@code ReplyOutbound}, {@link SupervisorDecision} and
 * {@link TenantUsage} records; the topology sends each type to its topic.
 */
abstract class SupervisorProcessor<VIn> implements Processor<String, VIn, String, SpecificRecord>, AgentDirectory {

    protected final Supervision supervision;
    protected ProcessorContext<String, SpecificRecord> context;
    protected KeyValueStore<String, AgentTask> turns;
    protected KeyValueStore<String, SessionUsage> sessionUsage;
    protected KeyValueStore<String, SupervisorDecision> escalations;
    protected IdleSessions idleSessions;
    private TimestampedKeyValueStore<String, AgentDescriptor> agents;
    private TimestampedKeyValueStore<String, SupervisorPolicy> policies;
    private TimestampedKeyValueStore<String, TenantUsage> tenantUsage;

    SupervisorProcessor(Supervision supervision) {
        this.supervision = supervision;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.turns = context.getStateStore(TopologyProducer.TURNS_STORE);
        this.sessionUsage = context.getStateStore(TopologyProducer.SESSION_USAGE_STORE);
        this.escalations = context.getStateStore(TopologyProducer.ESCALATIONS_STORE);
        this.idleSessions = new IdleSessions(context.getStateStore(TopologyProducer.SESSION_ACTIVITY_STORE),
                context.getStateStore(TopologyProducer.SESSION_IDLE_INDEX_STORE),
                supervision.config().sessionExpiryInterval());
        this.agents = context.getStateStore(TopologyProducer.AGENTS_STORE);
        this.policies = context.getStateStore(TopologyProducer.POLICIES_STORE);
        this.tenantUsage = context.getStateStore(TopologyProducer.TENANT_USAGE_STORE);
    }

    @Override
    public AgentDescriptor find(String id) {
        return valueOf(agents.get(id));
    }

    @Override
    public Collection<AgentDescriptor> all() {
        List<AgentDescriptor> all = new ArrayList<>();
        try (KeyValueIterator<String, ValueAndTimestamp<AgentDescriptor>> entries = agents.all()) {
            entries.forEachRemaining(entry -> all.add(entry.value.value()));
        }
        return all;
    }

    /**
     * The session of {@code record} is active now: it is forgotten only {@code session-idle-expiry} from now. Every
     * record a supervisor processor takes leads to output a user waits for, so its commit is requested at once
     * while the thread's traffic is light ({@link PromptCommits}).
     */
    protected void touch(Record<String, ?> record) {
        PromptCommits.requested(context);
        if (record.key() != null) {
            idleSessions.touch(record.key(), context.currentSystemTimeMs());
        }
    }

    protected TenantPolicy policy(String tenant) {
        return supervision.policies().of(tenant, valueOf(policies.get(tenant)));
    }

    /** Today, by the wall clock of stream processing: the day tenant budgets are counted in. */
    protected String today() {
        return LocalDate.ofInstant(Instant.ofEpochMilli(context.currentSystemTimeMs()), ZoneOffset.UTC).toString();
    }

    /**
     * Sends {@code task} as the turn's current task if the session and the tenant have tokens left, granting
     * it no more than is left and a deadline; else ends the turn with a LIMIT reply and an audited decision.
     */
    protected void dispatch(Record<String, ?> record, AgentTask task, TenantPolicy policy) {
        String tenant = task.getEnvelope().getTenant();
        SessionUsage used = sessionUsage.get(record.key());
        TenantUsage usedToday = valueOf(tenantUsage.get(Budget.usageKey(tenant, today())));
        Budget.Allowance allowance = Budget.allowance(policy, used == null ? 0 : used.getTokens(),
                usedToday == null ? 0 : usedToday.getTokens(), task.getMaxTokens());
        String turnId = task.getEnvelope().getTurnId();
        if (allowance.exhausted()) {
            turns.delete(turnId);
            context.forward(record.withValue(Replies.of(task.getEnvelope(), null, ReplyKind.LIMIT,
                    Replies.budgetExhausted(allowance.exhaustedBy()))));
            context.forward(record.withValue(Decisions.of(task.getEnvelope(), DecisionKind.BUDGET_EXHAUSTED,
                    allowance.exhaustedBy(), "no tokens left for a task of " + task.getAgent()
                            + " (session " + policy.sessionTokens() + ", tenant per day " + policy.dailyTokens() + ")",
                    task.getAgent(), task.getTaskId())));
            return;
        }
        task.setMaxTokens(allowance.tokens());
        task.setDeadline(Instant.ofEpochMilli(context.currentSystemTimeMs()).plus(timeoutOf(task.getAgent())));
        turns.put(turnId, ticketed(task));
        context.forward(record.withValue(task));
    }

    /**
     * Signs the ticket of a task the supervisor is about to issue: what it states (tenant, session, turn, user,
     * channel, agent, task id) is final by then. The agent host copies it onto the result, compliance refuses a
     * result that does not match it, and {@code FollowResult} takes a result as the current task's only if it
     * carries the very ticket stored with the task.
     */
    protected AgentTask ticketed(AgentTask task) {
        task.setTicket(supervision.tickets().issue(task));
        return task;
    }

    private Duration timeoutOf(String agent) {
        AgentDescriptor descriptor = find(agent);
        Duration own = descriptor == null || descriptor.getTimeoutSeconds() <= 0
                ? supervision.config().timeouts().task()
                : Duration.ofSeconds(descriptor.getTimeoutSeconds());
        return own.plus(supervision.config().timeouts().grace());
    }

    protected static <V> V valueOf(ValueAndTimestamp<V> value) {
        return value == null ? null : value.value();
    }

    /** Collects, then lets the caller change, the entries of a store that match (a store must not change under its iterator). */
    protected static <V> List<KeyValue<String, V>> entries(KeyValueStore<String, V> store,
            Predicate<V> matching) {
        List<KeyValue<String, V>> found = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(entry -> {
                if (matching.test(entry.value)) {
                    found.add(entry);
                }
            });
        }
        return found;
    }
}
