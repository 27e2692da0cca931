package dev.switchboard.supervisor.streams;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.SessionUsage;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.supervisor.Budget;
import io.quarkus.kafka.streams.runtime.KafkaStreamsRuntimeConfig;

/**
 * Interactive queries on the supervisor's stores. Global stores (tenant usage, policies) answer on every
 * instance; session stores (usage, escalations) only on the instance that owns the session's partition,
 * which {@link #ownerOf(String)} names. Queries fail with {@link NotQueryableException} while Kafka Streams
 * is not {@code RUNNING} (starting, rebalancing), so callers answer 503 and clients retry.
 */
@ApplicationScoped
public class SupervisorQueries {

    /** The stores cannot be read now; try again shortly. */
    public static class NotQueryableException extends RuntimeException {
        NotQueryableException(String message) {
            super(message);
        }
    }

    private final KafkaStreams streams;
    private final HostInfo self;

    SupervisorQueries(KafkaStreams streams, KafkaStreamsRuntimeConfig config) {
        this.streams = streams;
        // Resolved once, like the application.server Kafka Streams publishes: with port 0 (tests) Quarkus
        // rewrites quarkus.http.port after binding.
        this.self = HostInfo.buildFromEndpoint(config.applicationServer().orElseThrow(() ->
                new IllegalStateException("quarkus.kafka-streams.application-server must be set")));
    }

    public Optional<TenantUsage> tenantUsage(String tenant, String day) {
        return Optional.ofNullable(this.<TenantUsage>store(TopologyProducer.TENANT_USAGE_STORE)
                .get(Budget.usageKey(tenant, day)));
    }

    public Optional<SupervisorPolicy> policy(String tenant) {
        return Optional.ofNullable(this.<SupervisorPolicy>store(TopologyProducer.POLICIES_STORE).get(tenant));
    }

    /** What an agent declares on {@code agents.catalog}, as this instance has read it. */
    public Optional<AgentDescriptor> agent(String id) {
        return Optional.ofNullable(this.<AgentDescriptor>store(TopologyProducer.AGENTS_STORE).get(id));
    }

    /** The instance that owns a session, or empty when it is this one. */
    public Optional<HostInfo> ownerOf(String sessionId) {
        requireRunning();
        KeyQueryMetadata metadata = streams.queryMetadataForKey(TopologyProducer.SESSION_USAGE_STORE, sessionId,
                Serdes.String().serializer());
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            throw new NotQueryableException("no instance owns session " + sessionId + " yet");
        }
        return self.equals(metadata.activeHost()) ? Optional.empty() : Optional.of(metadata.activeHost());
    }

    public Optional<SessionUsage> sessionUsage(String sessionId) {
        return Optional.ofNullable(this.<SessionUsage>store(TopologyProducer.SESSION_USAGE_STORE).get(sessionId));
    }

    public Optional<SupervisorDecision> escalation(String sessionId) {
        return Optional.ofNullable(this.<SupervisorDecision>store(TopologyProducer.ESCALATIONS_STORE).get(sessionId));
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        requireRunning();
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new NotQueryableException("store " + name + " is not queryable: " + e.getMessage());
        }
    }

    private void requireRunning() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new NotQueryableException("Kafka Streams is " + streams.state());
        }
    }
}
