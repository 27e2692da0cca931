package dev.switchboard.agent.messaging;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.HandoffTarget;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * Writes what each hosted agent declares to the compacted {@code agents.catalog} (key = agent id), so
 * that the supervisor routes, delegates and narrows scopes by the declarations the agents were built with.
 * It writes as the service's principal ({@code agent-service}): the host, not agent code, declares agents.
 */
final class AgentCatalogPublisher {

    private AgentCatalogPublisher() {
    }

    static AgentDescriptor descriptorOf(AgentDefinition definition) {
        return AgentDescriptor.newBuilder()
                .setId(definition.id())
                .setDescription(definition.description())
                .setScopes(List.copyOf(definition.scopes()))
                .setHandoffs(definition.handoffs().stream().map(h -> new HandoffTarget(h.to(), h.when())).toList())
                .setMaxIterations(definition.limits().maxIterations())
                .setMaxTokens(definition.limits().maxTokens())
                .setTimeoutSeconds((int) definition.limits().timeout().toSeconds())
                .setPublishedAt(Instant.now())
                .build();
    }

    /** Publishes the descriptors, as the service's own principal, and waits until the broker has them all. */
    static void publish(KafkaClientConfig kafka, List<AgentDefinition> definitions) {
        Topic<String, AgentDescriptor> topic = Topics.AGENTS_CATALOG;
        try (var producer = new KafkaProducer<>(kafka.with(Map.of(ProducerConfig.ACKS_CONFIG, "all")),
                topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (AgentDefinition definition : definitions) {
                producer.send(new ProducerRecord<>(topic.name(), definition.id(), descriptorOf(definition)))
                        .get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while publishing the agent catalog", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot publish the agent catalog to " + topic.name(), e);
        }
    }
}
