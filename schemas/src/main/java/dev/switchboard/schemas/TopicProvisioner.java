package dev.switchboard.schemas;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates catalog topics on a broker that never auto-creates them. Idempotent: a topic that already
 * exists is left as it is. Production clusters declare the same topics as Strimzi {@code KafkaTopic}s.
 */
public final class TopicProvisioner {

    private final String bootstrapServers;
    private final int partitions;
    private final short replicationFactor;

    /**
     * @param partitions        partitions of every session-keyed topic (they must all match to stay co-partitioned)
     * @param replicationFactor replicas per partition (1 on a single local broker)
     */
    public TopicProvisioner(String bootstrapServers, int partitions, short replicationFactor) {
        this.bootstrapServers = bootstrapServers;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /** Creates the topics that are missing and returns the names of those it created. */
    public Set<String> ensure(Collection<? extends Topic<?, ?>> topics) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(topic -> new NewTopic(topic.name(), partitions, replicationFactor).configs(topic.configs()))
                    .toList();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + result.getKey(), e.getCause());
                    }
                }
            }
            return missing.stream().map(NewTopic::name).collect(java.util.stream.Collectors.toUnmodifiableSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot reach the broker at " + bootstrapServers, e);
        }
    }
}
