package dev.switchboard.supervisor.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.Delegation;
import dev.switchboard.supervisor.Replies;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * The supervisor's topology, run with exactly-once v2. Reads {@code turns.cleared},
 * {@code turns.rejected}, {@code agent.results.cleared}, {@code sessions.state} and {@code agents.catalog};
 * writes {@code agent.<name>.tasks} and {@code replies.outbound}.
 *
 * <p>Turns are joined with the session's memory (a table over the compacted {@code sessions.state};
 * both topics are keyed by session id and co-partitioned) and become the task of the agent routing
 * picks. The turn's current task is kept in the {@value #TURNS_STORE} store until the turn ends, so
 * that a handoff result becomes the next task of the same turn (see {@link Delegation}), checked against
 * what the agents declare in {@code agents.catalog} (a global table). Each task goes to the task topic of
 * its own agent.
 */
@ApplicationScoped
public class TopologyProducer {

    /** Store of the session table, backed by {@code sessions.state} itself (no extra changelog). */
    public static final String SESSIONS_STORE = "sessions";
    /** The current task of every turn in progress, by turn id. */
    public static final String TURNS_STORE = "turns-in-progress";
    /** The agent catalog, on every instance. */
    public static final String AGENTS_STORE = "agents";

    @Produces
    public Topology topology(SupervisorConfig config) {
        Routing routing = new Routing(config);
        Delegation delegation = new Delegation(config);
        StreamsBuilder builder = new StreamsBuilder();

        builder.globalTable(Topics.AGENTS_CATALOG.name(), consumed(Topics.AGENTS_CATALOG),
                Materialized.<String, AgentDescriptor, KeyValueStore<Bytes, byte[]>>as(AGENTS_STORE)
                        .withKeySerde(Topics.AGENTS_CATALOG.keySerde())
                        .withValueSerde(Topics.AGENTS_CATALOG.valueSerde()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(TURNS_STORE),
                Topics.TURNS_CLEARED.keySerde(), Topics.agentTasks("any").valueSerde()));

        KTable<String, SessionState> sessions = builder.table(Topics.SESSIONS_STATE.name(),
                consumed(Topics.SESSIONS_STATE),
                Materialized.<String, SessionState, KeyValueStore<Bytes, byte[]>>as(SESSIONS_STORE)
                        .withKeySerde(Topics.SESSIONS_STATE.keySerde())
                        .withValueSerde(Topics.SESSIONS_STATE.valueSerde()));

        Topic<String, AgentTask> taskTopics = Topics.agentTasks(config.defaultAgent());
        Produced<String, AgentTask> tasks = Produced.with(taskTopics.keySerde(), taskTopics.valueSerde());

        builder.stream(Topics.TURNS_CLEARED.name(), consumed(Topics.TURNS_CLEARED))
                .leftJoin(sessions, TurnInSession::new)
                .process(() -> new RouteTurn(routing), TURNS_STORE)
                .to((sessionId, task, context) -> Topics.agentTasks(task.getAgent()).name(), tasks);

        KStream<String, SpecificRecord> next = builder
                .stream(Topics.AGENT_RESULTS_CLEARED.name(), consumed(Topics.AGENT_RESULTS_CLEARED))
                .process(() -> new FollowResult(delegation), TURNS_STORE);
        next.split()
                .branch((sessionId, record) -> record instanceof AgentTask, Branched.withConsumer(stream -> stream
                        .mapValues(record -> (AgentTask) record)
                        .to((sessionId, task, context) -> Topics.agentTasks(task.getAgent()).name(), tasks)))
                .defaultBranch(Branched.withConsumer(stream -> stream
                        .mapValues(record -> (ReplyOutbound) record)
                        .to(Topics.REPLIES_OUTBOUND.name(), produced(Topics.REPLIES_OUTBOUND))));

        builder.stream(Topics.TURNS_REJECTED.name(), consumed(Topics.TURNS_REJECTED))
                .mapValues(Replies::forRejection)
                .to(Topics.REPLIES_OUTBOUND.name(), produced(Topics.REPLIES_OUTBOUND));

        return builder.build();
    }

    /** A cleared turn with its session's memory (null for a new session); never serialized. */
    record TurnInSession(TurnReceived turn, SessionState session) {
    }

    /**
     * A processor over the turns in progress: it reads and writes the {@value #TURNS_STORE} store and
     * looks agents up in the global catalog.
     */
    abstract static class TurnProcessor<VIn, VOut> implements Processor<String, VIn, String, VOut> {
        protected ProcessorContext<String, VOut> context;
        protected KeyValueStore<String, AgentTask> turns;
        private TimestampedKeyValueStore<String, AgentDescriptor> agents;

        @Override
        public void init(ProcessorContext<String, VOut> context) {
            this.context = context;
            this.turns = context.getStateStore(TURNS_STORE);
            this.agents = context.getStateStore(AGENTS_STORE);
        }

        /** What an agent declares, or null when the catalog does not have it. */
        protected AgentDescriptor agent(String id) {
            ValueAndTimestamp<AgentDescriptor> descriptor = agents.get(id);
            return descriptor == null ? null : descriptor.value();
        }
    }

    /** Routes a turn to its first agent and keeps the task as the turn's current task. */
    static final class RouteTurn extends TurnProcessor<TurnInSession, AgentTask> {
        private final Routing routing;

        RouteTurn(Routing routing) {
            this.routing = routing;
        }

        @Override
        public void process(Record<String, TurnInSession> record) {
            AgentTask task = routing.taskFor(record.value().turn(), record.value().session(), this::agent);
            turns.put(task.getEnvelope().getTurnId(), task);
            context.forward(record.withValue(task));
        }
    }

    /**
     * Turns a result into what comes next: the next task for a handoff, else the reply that ends the turn.
     * Forwards an {@link AgentTask} or a {@link ReplyOutbound}.
     */
    static final class FollowResult extends TurnProcessor<AgentResult, SpecificRecord> {
        private final Delegation delegation;

        FollowResult(Delegation delegation) {
            this.delegation = delegation;
        }

        @Override
        public void process(Record<String, AgentResult> record) {
            AgentResult result = record.value();
            String turnId = result.getEnvelope().getTurnId();
            AgentTask current = turns.get(turnId);
            if (result.getOutcome() == Outcome.HANDOFF && current != null) {
                Delegation.Next next = delegation.follow(current, result, this::agent);
                if (next.task() != null) {
                    turns.put(turnId, next.task());
                    context.forward(record.withValue(next.task()));
                    return;
                }
                turns.delete(turnId);
                context.forward(record.withValue(next.reply()));
                return;
            }
            turns.delete(turnId);
            context.forward(record.withValue(Replies.forResult(result)));
        }
    }

    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
        return Consumed.with(topic.keySerde(), topic.valueSerde());
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde());
    }
}
