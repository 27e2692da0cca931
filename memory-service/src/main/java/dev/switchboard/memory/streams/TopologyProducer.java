package dev.switchboard.memory.streams;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;

import dev.switchboard.events.SessionState;
import dev.switchboard.memory.FactExtractor;
import dev.switchboard.memory.SessionFold;
import dev.switchboard.memory.StateSizeLimit;
import dev.switchboard.memory.Summarizer;
import dev.switchboard.memory.config.MemoryConfig;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.runtime.streams.IdleSessions;
import dev.switchboard.runtime.streams.Topologies;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * The memory topology. Reads {@code turns.cleared}, {@code agent.results.cleared},
 * {@code replies.outbound} and {@code erasures} (all keyed by session id and co-partitioned), folds each
 * session's events into one {@link SessionState} held in the persistent store {@value #STORE}, and writes
 * every new state to the compacted {@code sessions.state} topic ({@link FoldSession}). A state is kept within
 * a byte limit; an erasure of the session's user, or the session being idle for the configured expiry,
 * deletes the state and writes a tombstone.
 *
 * <p>The four streams are merged into one processor, so one store holds the session, and no repartition topic is
 * needed because the key never changes. The store has no changelog: {@code sessions.state} is its record, and a task
 * rebuilds it from there when it starts, so every state is written once. Two small stores index the sessions by last
 * activity ({@link IdleSessions}).
 */
@ApplicationScoped
public class TopologyProducer {

    /** The state store holding the latest state of every session this instance owns. */
    public static final String STORE = "session-state";
    /** The start of the bucket of each session's last activity, by session id. */
    public static final String ACTIVITY_STORE = "session-activity";
    /** Sessions by {@code <bucket of last activity>|<session id>}, oldest first. */
    public static final String IDLE_INDEX_STORE = "session-idle-index";

    /** The topics the topology reads; startup waits for them ({@code quarkus.kafka-streams.topics}). */
    public static final List<Topic<String, ?>> SOURCES =
            List.of(Topics.TURNS_CLEARED, Topics.AGENT_RESULTS_CLEARED, Topics.REPLIES_OUTBOUND, Topics.ERASURES);

    private final MemoryConfig config;
    private final KafkaClientConfig kafka;

    TopologyProducer(MemoryConfig config, KafkaClientConfig kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    /** A stream thread that dies is replaced, not left dead (the runtime's failure policy). */
    @Produces
    @ApplicationScoped
    public StreamsUncaughtExceptionHandler replaceFailedThread() {
        return Topologies.replaceFailedThread();
    }

    @Produces
    public Topology topology() {
        Summarizer summarizer = new Summarizer(config.summaryMaxChars(), config.summaryMessageChars());
        return build(new SessionFold(config.recentMessages(), summarizer, new FactExtractor()), summarizer,
                SessionLimits.of(config), new CommittedSessionStates(kafka.connection()));
    }

    /**
     * The topology for a given fold, with the default summary bounds and limits and nothing to load at start; what
     * most topology tests drive.
     */
    public static Topology build(SessionFold fold) {
        return build(fold, new Summarizer(SessionFold.DEFAULT_SUMMARY_CHARS, SessionFold.DEFAULT_SUMMARY_MESSAGE_CHARS),
                SessionLimits.DEFAULTS, SessionStateSource.NONE);
    }

    /**
     * The topology for a given fold and limits; {@code summarizer} takes the messages trimmed to fit the byte limit,
     * {@code committed} gives each task its sessions when it starts.
     */
    public static Topology build(SessionFold fold, Summarizer summarizer, SessionLimits limits,
            SessionStateSource committed) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<String> keys = Serdes.String();
        // No changelog: sessions.state, which the processor writes anyway, is the store's record (FoldSession#load).
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(STORE),
                Topics.SESSIONS_STATE.keySerde(), Topics.SESSIONS_STATE.valueSerde()).withLoggingDisabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ACTIVITY_STORE),
                keys, Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IDLE_INDEX_STORE),
                keys, Serdes.String()));

        events(builder, Topics.TURNS_CLEARED)
                .merge(events(builder, Topics.AGENT_RESULTS_CLEARED), Named.as("with-results"))
                .merge(events(builder, Topics.REPLIES_OUTBOUND), Named.as("with-replies"))
                .merge(events(builder, Topics.ERASURES), Named.as("with-erasures"))
                .process(() -> new FoldSession(fold, sizeLimit(limits, summarizer), limits, committed),
                        Named.as("session-fold"),
                        STORE, ACTIVITY_STORE, IDLE_INDEX_STORE)
                .to(Topics.SESSIONS_STATE.name(),
                        Produced.with(Topics.SESSIONS_STATE.keySerde(), Topics.SESSIONS_STATE.valueSerde()));

        return Topologies.build(builder);
    }

    /** The byte limit, measuring states with a serializer of its own (one per processor, so per stream thread). */
    static StateSizeLimit sizeLimit(SessionLimits limits, Summarizer summarizer) {
        Serializer<SessionState> encoding = Topics.SESSIONS_STATE.valueSerde().serializer();
        return new StateSizeLimit(limits.maxStateBytes(), summarizer,
                state -> encoding.serialize(Topics.SESSIONS_STATE.name(), state).length);
    }

    private static <V extends SpecificRecord> KStream<String, SpecificRecord> events(StreamsBuilder builder,
            Topic<String, V> topic) {
        return builder.stream(topic.name(), Consumed.with(topic.keySerde(), topic.valueSerde()))
                .mapValues(value -> (SpecificRecord) value, Named.as(topic.name() + "-events"));
    }
}
