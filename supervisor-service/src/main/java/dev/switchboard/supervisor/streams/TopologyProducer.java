package dev.switchboard.supervisor.streams;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.SessionState;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.Replies;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * The supervisor's topology, run with exactly-once v2. Reads {@code turns.cleared},
 * {@code turns.rejected}, {@code agent.results.cleared} and {@code sessions.state}; writes
 * {@code agent.<name>.tasks} and {@code replies.outbound}.
 *
 * <p>Turns are joined with the session's memory (a table over the compacted {@code sessions.state};
 * both topics are keyed by session id and co-partitioned) and become the task of the agent routing
 * picks. Each task goes to the task topic of its own agent.
 */
@ApplicationScoped
public class TopologyProducer {

    /** Store of the session table, backed by {@code sessions.state} itself (no extra changelog). */
    public static final String SESSIONS_STORE = "sessions";

    @Produces
    public Topology topology(SupervisorConfig config) {
        Routing routing = new Routing(config);
        StreamsBuilder builder = new StreamsBuilder();

        KTable<String, SessionState> sessions = builder.table(Topics.SESSIONS_STATE.name(),
                consumed(Topics.SESSIONS_STATE),
                Materialized.<String, SessionState, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(SESSIONS_STORE)
                        .withKeySerde(Topics.SESSIONS_STATE.keySerde())
                        .withValueSerde(Topics.SESSIONS_STATE.valueSerde()));

        Topic<String, AgentTask> taskTopics = Topics.agentTasks(config.defaultAgent());
        builder.stream(Topics.TURNS_CLEARED.name(), consumed(Topics.TURNS_CLEARED))
                .leftJoin(sessions, routing::taskFor)
                .to((sessionId, task, context) -> Topics.agentTasks(task.getAgent()).name(),
                        Produced.with(taskTopics.keySerde(), taskTopics.valueSerde()));

        builder.stream(Topics.AGENT_RESULTS_CLEARED.name(), consumed(Topics.AGENT_RESULTS_CLEARED))
                .mapValues(Replies::forResult)
                .to(Topics.REPLIES_OUTBOUND.name(), produced(Topics.REPLIES_OUTBOUND));

        builder.stream(Topics.TURNS_REJECTED.name(), consumed(Topics.TURNS_REJECTED))
                .mapValues(Replies::forRejection)
                .to(Topics.REPLIES_OUTBOUND.name(), produced(Topics.REPLIES_OUTBOUND));

        return builder.build();
    }

    private static <K, V> Consumed<K, V> consumed(Topic<K, V> topic) {
        return Consumed.with(topic.keySerde(), topic.valueSerde());
    }

    private static <K, V> Produced<K, V> produced(Topic<K, V> topic) {
        return Produced.with(topic.keySerde(), topic.valueSerde());
    }
}
