package dev.switchboard.memory.streams;

import java.time.Duration;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.switchboard.events.SessionState;
import dev.switchboard.memory.config.MemoryConfig;
import io.quarkus.kafka.streams.runtime.KafkaStreamsRuntimeConfig;

/**
 * Interactive queries on the {@value TopologyProducer#STORE} store (fed by {@code turns.cleared},
 * {@code agent.results.cleared} and {@code replies.outbound}). Each session lives on the instance that
 * owns its partition: {@link #ownerOf(String)} says which one, {@link #findLocal(String)} reads it here.
 *
 * <p>Kafka Streams can only answer while it is {@code RUNNING}; during startup and rebalances the store
 * throws {@link InvalidStateStoreException}. Both calls wait for that at most the configured query
 * timeout, polling at a modest interval, and then give up with {@link StoreNotReadyException}.
 */
@ApplicationScoped
public class InteractiveQueries {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final Duration timeout;

    /**
     * Takes this instance's address from the Kafka Streams runtime config, resolved once at startup like
     * the {@code application.server} that Kafka Streams itself publishes. Reading the property again
     * later could give another answer: Quarkus rewrites {@code quarkus.http.port} once a random port
     * (port 0, as in tests) is bound.
     */
    @Inject
    InteractiveQueries(KafkaStreams streams, MemoryConfig config, KafkaStreamsRuntimeConfig streamsConfig) {
        this(streams, HostInfo.buildFromEndpoint(streamsConfig.applicationServer().orElseThrow(
                () -> new IllegalStateException("quarkus.kafka-streams.application-server must be set "
                        + "for interactive queries"))), config.queryTimeout());
    }

    public InteractiveQueries(KafkaStreams streams, HostInfo self, Duration timeout) {
        this.streams = streams;
        this.self = self;
        this.timeout = timeout;
    }

    /** This instance, as other instances see it in the Streams metadata. */
    public HostInfo self() {
        return self;
    }

    /** The instance whose active task holds the session (whether or not the session exists yet). */
    public HostInfo ownerOf(String sessionId) {
        long deadline = deadline();
        while (true) {
            awaitRunning(deadline);
            KeyQueryMetadata metadata = streams.queryMetadataForKey(
                    TopologyProducer.STORE, sessionId, Serdes.String().serializer());
            if (metadata != null && !KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
                return metadata.activeHost();
            }
            pause(deadline, "no instance owns session " + sessionId + " yet (rebalancing)");
        }
    }

    public boolean isLocal(HostInfo host) {
        return self.equals(host);
    }

    /** The session's state from this instance's store; empty if the session is unknown here. */
    public Optional<SessionState> findLocal(String sessionId) {
        long deadline = deadline();
        while (true) {
            awaitRunning(deadline);
            try {
                return Optional.ofNullable(store().get(sessionId));
            } catch (InvalidStateStoreException e) {
                // migrated or restoring since the state check: a rebalance is in progress, worth one more look
                pause(deadline, "the session store is not queryable: " + e.getMessage());
            }
        }
    }

    private ReadOnlyKeyValueStore<String, SessionState> store() {
        return streams.store(StoreQueryParameters.fromNameAndType(
                TopologyProducer.STORE, QueryableStoreTypes.<String, SessionState>keyValueStore()));
    }

    private void awaitRunning(long deadline) {
        KafkaStreams.State state = streams.state();
        while (state != KafkaStreams.State.RUNNING) {
            if (state != KafkaStreams.State.CREATED && !state.isRunningOrRebalancing()) {
                // shutting down or failed: it will not become queryable, so do not make the caller wait
                throw new StoreNotReadyException("Kafka Streams is " + state + ": sessions cannot be queried");
            }
            pause(deadline, "Kafka Streams is " + state + ", not yet RUNNING");
            state = streams.state();
        }
    }

    private long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    private static void pause(long deadline, String reason) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new StoreNotReadyException(reason);
        }
        try {
            Thread.sleep(Math.min(POLL_INTERVAL.toMillis(), Math.max(1, left / 1_000_000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreNotReadyException("interrupted while waiting: " + reason, e);
        }
    }
}
