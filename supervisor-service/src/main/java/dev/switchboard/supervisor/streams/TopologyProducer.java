package dev.switchboard.supervisor.streams;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.runtime.streams.IdleSessions;
import dev.switchboard.runtime.streams.Topologies;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroSerde;
import dev.switchboard.supervisor.Budget;
import dev.switchboard.supervisor.DescriptionRouter;
import dev.switchboard.supervisor.Replies;
import dev.switchboard.supervisor.RouterModel;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.TenantPolicies;
import dev.switchboard.supervisor.config.SupervisorConfig;
import io.quarkus.arc.DefaultBean;

/**
 * The supervisor's topology, run with exactly-once v2.
 *
 * <p>Reads {@code turns.cleared} (joined with the session's memory from {@code sessions.state}),
 * {@code agent.results.cleared}, {@code sessions.control} and {@code turns.rejected}, all keyed by session
 * id and co-partitioned, so one task owns everything about a session: its turn in progress, usage and
 * escalation. Reads {@code agents.catalog}, {@code supervisor.policies} and {@code budgets.tenants} as
 * global tables. Writes tasks, each with its signed ticket, to {@code agent.<name>.tasks} (or
 * {@code human.queue}), replies to {@code replies.outbound} (and to the gateway instances that wait for them on
 * {@code replies.routed}), audited decisions to {@code supervisor.decisions},
 * and each result's tokens, re-keyed by tenant and day and summed, to {@code budgets.tenants}.
 */
@ApplicationScoped
public class TopologyProducer {

    /** Store of the session table, backed by {@code sessions.state} itself (no extra changelog). */
    public static final String SESSIONS_STORE = "sessions";
    /** The current task of every turn in progress, by turn id. */
    public static final String TURNS_STORE = "turns-in-progress";
    /**
     * Task ids whose result was debited, in a window store at the wall-clock time they were settled (retention
     * {@code timeouts.settled-retention}): a redelivered result is not debited again. (It replaced the key-value
     * store {@code settled-tasks}, whose ids were purged by scanning it.)
     */
    public static final String SETTLED_STORE = "settled-task-ids";
    /** Tokens used per session; forgotten when the session is idle for {@code session-idle-expiry}. */
    public static final String SESSION_USAGE_STORE = "session-usage";
    /** The start of the bucket of each session's last activity, by session id (see {@link IdleSessions}). */
    public static final String SESSION_ACTIVITY_STORE = "session-activity";
    /** Sessions by {@code <bucket of last activity>|<session id>}, oldest first (see {@link IdleSessions}). */
    public static final String SESSION_IDLE_INDEX_STORE = "session-idle-index";
    /** Sessions that are with a person, by session id: the decision that put them there. */
    public static final String ESCALATIONS_STORE = "escalations";
    /** The agent catalog, on every instance. */
    public static final String AGENTS_STORE = "agents";
    /** Run-time tenant policies, on every instance. */
    public static final String POLICIES_STORE = "policies";
    /** Tokens used per tenant and day, on every instance (read from {@code budgets.tenants}). */
    public static final String TENANT_USAGE_STORE = "tenant-usage";
    /** Where the tenant sums are kept, partitioned by tenant and day, before they go to {@code budgets.tenants}. */
    static final String TENANT_TOTALS_STORE = "tenant-usage-totals";

    /** A stream thread that dies is replaced, not left dead (the runtime's failure policy). */
    @Produces
    @ApplicationScoped
    public StreamsUncaughtExceptionHandler replaceFailedThread() {
        return Topologies.replaceFailedThread();
    }

    @Produces
    @DefaultBean
    @ApplicationScoped
    public RouterModel routerModel(SupervisorConfig config) {
        return new DescriptionRouter(config.router().minScore());
    }

    /** The tenants' policies in force: one instance, shared by the topology and the HTTP resources. */
    @Produces
    @ApplicationScoped
    public TenantPolicies tenantPolicies(SupervisorConfig config) {
        return new TenantPolicies(config);
    }

    /**
     * @param tickets signs every task the topology issues ({@code switchboard.tasks.ticket-key}, shared with
     *                compliance, which checks each result against its task's ticket)
     */
    @Produces
    public Topology topology(SupervisorConfig config, RouterModel router, TenantPolicies policies, TaskTickets tickets) {
        Supervision supervision = Supervision.of(config, router, policies, tickets);
        StreamsBuilder builder = new StreamsBuilder();

        globalTable(builder, Topics.AGENTS_CATALOG, AGENTS_STORE);
        globalTable(builder, Topics.SUPERVISOR_POLICIES, POLICIES_STORE);
        globalTable(builder, Topics.TENANT_USAGE, TENANT_USAGE_STORE);
        Serde<String> keys = Serdes.String();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TURNS_STORE),
                keys, Topics.agentTasks(config.defaultAgent()).valueSerde()));
        builder.addStateStore(settledStore(config.timeouts().settledRetention()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSION_ACTIVITY_STORE),
                keys, Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSION_IDLE_INDEX_STORE),
                keys, Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SESSION_USAGE_STORE),
                keys, new AvroSerde<>(SessionUsage.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ESCALATIONS_STORE),
                keys, Topics.SUPERVISOR_DECISIONS.valueSerde()));
        String[] sessionStores = {TURNS_STORE, SESSION_USAGE_STORE, ESCALATIONS_STORE, SESSION_ACTIVITY_STORE,
                SESSION_IDLE_INDEX_STORE};

        KTable<String, SessionState> sessions = builder.table(Topics.SESSIONS_STATE.name(),
                consumed(Topics.SESSIONS_STATE),
                Materialized.<String, SessionState, KeyValueStore<Bytes, byte[]>>as(SESSIONS_STORE)
                        .withKeySerde(Topics.SESSIONS_STATE.keySerde())
                        .withValueSerde(Topics.SESSIONS_STATE.valueSerde()));

        KStream<String, SpecificRecord> routed = builder
                .stream(Topics.TURNS_CLEARED.name(), consumed(Topics.TURNS_CLEARED))
                .leftJoin(sessions, TurnInSession::new)
                .process(() -> new RouteTurn(supervision), Named.as("route-turn"), sessionStores);
        KStream<String, SpecificRecord> followed = builder
                .stream(Topics.AGENT_RESULTS_CLEARED.name(), consumed(Topics.AGENT_RESULTS_CLEARED))
                .process(() -> new FollowResult(supervision), Named.as("follow-result"),
                        TURNS_STORE, SESSION_USAGE_STORE, ESCALATIONS_STORE, SESSION_ACTIVITY_STORE,
                        SESSION_IDLE_INDEX_STORE, SETTLED_STORE);
        KStream<String, SpecificRecord> released = builder
                .stream(Topics.SESSIONS_CONTROL.name(), consumed(Topics.SESSIONS_CONTROL))
                .process(() -> new ReleaseSession(supervision), Named.as("release-session"), sessionStores);

        Topic<String, AgentTask> taskTopics = Topics.agentTasks(config.defaultAgent());
        routed.merge(followed).merge(released).split(Named.as("supervisor-"))
                .branch((session, record) -> record instanceof AgentTask, Branched.withConsumer(tasks -> tasks
                        .mapValues(record -> (AgentTask) record)
                        .to((session, task, context) -> topicOf(task), Produced.with(keys, taskTopics.valueSerde())),
                        "tasks"))
                .branch((session, record) -> record instanceof ReplyOutbound, Branched.withConsumer(replies ->
                        toReplies(replies.mapValues(record -> (ReplyOutbound) record)), "replies"))
                .branch((session, record) -> record instanceof SupervisorDecision, Branched.withConsumer(decisions -> decisions
                        .mapValues(record -> (SupervisorDecision) record)
                        .to(Topics.SUPERVISOR_DECISIONS.name(), produced(Topics.SUPERVISOR_DECISIONS)), "decisions"))
                .branch((session, record) -> record instanceof TenantUsage, Branched.withConsumer(debits -> debits
                        .mapValues(record -> (TenantUsage) record)
                        .selectKey((session, debit) -> Budget.usageKey(debit.getTenant(), debit.getDay()))
                        .groupByKey(Grouped.with("tenant-debits", keys, Topics.TENANT_USAGE.valueSerde()))
                        .reduce(TopologyProducer::sum, Materialized
                                .<String, TenantUsage, KeyValueStore<Bytes, byte[]>>as(TENANT_TOTALS_STORE)
                                .withKeySerde(keys).withValueSerde(Topics.TENANT_USAGE.valueSerde())
                                .withCachingDisabled())
                        .toStream()
                        .to(Topics.TENANT_USAGE.name(), produced(Topics.TENANT_USAGE)), "debits"))
                .noDefaultBranch();

        toReplies(builder.stream(Topics.TURNS_REJECTED.name(), consumed(Topics.TURNS_REJECTED))
                .mapValues(Replies::forRejection));

        return Topologies.build(builder);
    }

    /**
     * The settled ids: a window store with one entry per task id (no duplicates), kept for {@code retention}.
     * Whole segments (half the retention each) are dropped once all their ids are older than the retention, so
     * forgetting ids costs no per-id deletes and no scan; the changelog is {@code compact,delete} with the same
     * retention plus a day.
     */
    static StoreBuilder<WindowStore<String, Long>> settledStore(Duration retention) {
        return Stores.windowStoreBuilder(
                Stores.persistentWindowStore(SETTLED_STORE, retention, Duration.ofMillis(1), false),
                Serdes.String(), Serdes.Long());
    }

    /**
     * Every reply goes to {@code replies.outbound} (channels, memory, audit) and, when a web chat client waits for
     * it, a copy to each gateway slot that wants it on {@code replies.routed} ({@link ReplySlots}), in the same
     * transaction.
     */
    private static void toReplies(KStream<String, ReplyOutbound> replies) {
        replies.to(Topics.REPLIES_OUTBOUND.name(), produced(Topics.REPLIES_OUTBOUND));
        replies.filter((session, reply) -> !reply.getEnvelope().getReplyTo().isEmpty())
                .to(Topics.REPLIES_ROUTED.name(), produced(Topics.REPLIES_ROUTED).withStreamPartitioner(new ReplySlots()));
    }

    /** A cleared turn with its session's memory (null for a new session); never serialized. */
    record TurnInSession(TurnReceived turn, SessionState session) {
    }

    private static String topicOf(AgentTask task) {
        return Routing.HUMAN.equals(task.getAgent()) ? Topics.HUMAN_QUEUE.name() : Topics.agentTasks(task.getAgent()).name();
    }

    private static TenantUsage sum(TenantUsage total, TenantUsage debit) {
        return TenantUsage.newBuilder().setTenant(total.getTenant()).setDay(total.getDay())
                .setTokens(total.getTokens() + debit.getTokens())
                .setResults(total.getResults() + debit.getResults())
                .build();
    }

    private static <V> void globalTable(StreamsBuilder builder, Topic<String, V> topic, String store) {
        builder.globalTable(topic.name(), consumed(topic),
                Materialized.<String, V, KeyValueStore<Bytes, byte[]>>as(store)
                        .withKeySerde(topic.keySerde())
                        .withValueSerde(topic.valueSerde()));
    }

    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
        return Consumed.with(topic.keySerde(), topic.valueSerde());
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde());
    }
}
