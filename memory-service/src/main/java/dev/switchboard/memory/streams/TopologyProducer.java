package dev.switchboard.memory.streams;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.memory.FactExtractor;
import dev.switchboard.memory.SessionFold;
import dev.switchboard.memory.Summarizer;
import dev.switchboard.memory.config.MemoryConfig;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * The memory topology. Reads {@code turns.cleared}, {@code agent.results.cleared},
 * {@code replies.outbound} and {@code erasures} (all keyed by session id and co-partitioned), folds each
 * session's events into one {@link SessionState} held in the persistent store {@value #STORE}, and writes
 * every new state to the compacted {@code sessions.state} topic; an erasure of the session's user deletes
 * the state and writes a tombstone.
 *
 * <p>The three streams are cogrouped into a single aggregate, so one store and one changelog hold the
 * session, and no repartition topic is needed because the key never changes.
 */
@ApplicationScoped
public class TopologyProducer {

    /** The state store holding the latest state of every session this instance owns. */
    public static final String STORE = "session-state";

    /** The topics the topology reads; startup waits for them ({@code quarkus.kafka-streams.topics}). */
    public static final List<Topic<String, ?>> SOURCES =
            List.of(Topics.TURNS_CLEARED, Topics.AGENT_RESULTS_CLEARED, Topics.REPLIES_OUTBOUND, Topics.ERASURES);

    private final MemoryConfig config;

    TopologyProducer(MemoryConfig config) {
        this.config = config;
    }

    @Produces
    public Topology topology() {
        Summarizer summarizer = new Summarizer(config.summaryMaxChars(), config.summaryMessageChars());
        return build(new SessionFold(config.recentMessages(), summarizer, new FactExtractor()));
    }

    /** The topology for a given fold; also what the topology tests drive. */
    public static Topology build(SessionFold fold) {
        StreamsBuilder builder = new StreamsBuilder();

        KGroupedStream<String, TurnReceived> turns = grouped(builder, Topics.TURNS_CLEARED);
        KGroupedStream<String, AgentResult> results = grouped(builder, Topics.AGENT_RESULTS_CLEARED);
        KGroupedStream<String, ReplyOutbound> replies = grouped(builder, Topics.REPLIES_OUTBOUND);
        KGroupedStream<String, ErasureRequested> erasures = grouped(builder, Topics.ERASURES);

        turns.<SessionState>cogroup(fold::turn)
                .cogroup(results, fold::result)
                .cogroup(replies, fold::reply)
                .cogroup(erasures, fold::erase)
                .aggregate(fold::empty, Named.as("session-fold"),
                        Materialized.<String, SessionState>as(Stores.persistentTimestampedKeyValueStore(STORE))
                                .withKeySerde(Topics.SESSIONS_STATE.keySerde())
                                .withValueSerde(Topics.SESSIONS_STATE.valueSerde()))
                .toStream(Named.as("session-changes"))
                .to(Topics.SESSIONS_STATE.name(),
                        Produced.with(Topics.SESSIONS_STATE.keySerde(), Topics.SESSIONS_STATE.valueSerde()));

        return builder.build();
    }

    private static <V> KGroupedStream<String, V> grouped(StreamsBuilder builder, Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()))
                .groupByKey(Grouped.with(topic.keySerde(), topic.valueSerde()));
    }
}
