package dev.switchboard.schemas;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates catalog topics on a broker that never auto-creates them, and keeps the catalog's topic configs
 * ({@link Topic#configs()}: cleanup policy, retention) on topics that already exist, so a retention added
 * to the catalog reaches old topics too. Idempotent: partitions of existing topics are left as they are,
 * and configs are altered only where they differ. Production clusters declare the same topics as Strimzi
 * {@code KafkaTopic}s. On a secured broker it runs as the super user (see
 * {@code dev.switchboard.schemas.access}).
 */
public final class TopicProvisioner {

    private static final long TIMEOUT_SECONDS = 30;

    private final Map<String, Object> clientProperties;
    private final int partitions;
    private final short replicationFactor;

    /**
     * A provisioner for a broker that needs no credentials.
     *
     * @param partitions        partitions of every session-keyed topic (they must all match to stay co-partitioned)
     * @param replicationFactor replicas per partition (1 on a single local broker)
     */
    public TopicProvisioner(String bootstrapServers, int partitions, short replicationFactor) {
        this(bootstrapServers, partitions, replicationFactor, Map.of());
    }

    /**
     * @param clientProperties further admin client settings, such as the super user's SASL credentials
     *                         ({@code BrokerCredentials.clientProperties}); they win over the bootstrap servers given
     */
    public TopicProvisioner(String bootstrapServers, int partitions, short replicationFactor,
            Map<String, ?> clientProperties) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        properties.putAll(clientProperties);
        this.clientProperties = Map.copyOf(properties);
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
    }

    /**
     * Creates the topics that are missing, brings the configs of the others to the catalog's, and returns the
     * names of the topics it created.
     */
    public Set<String> ensure(Collection<? extends Topic<?, ?>> topics) {
        try (Admin admin = Admin.create(clientProperties)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(topic -> !existing.contains(topic.name()))
                    .map(topic -> new NewTopic(topic.name(), partitions, replicationFactor).configs(topic.configs()))
                    .toList();
            Set<String> created = new java.util.HashSet<>();
            for (var result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + result.getKey(), e.getCause());
                    }
                }
            }
            awaitListed(admin, topics);
            // A topic created by someone else meanwhile (or not yet listed by this broker) is aligned too.
            alignConfigs(admin, topics.stream().filter(topic -> !created.contains(topic.name())).toList());
            return Set.copyOf(created);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot provision topics on the broker at "
                    + clientProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG), e);
        }
    }

    /** The controller has the new topics; wait until the broker we talk to has them too, as its clients will. */
    private static void awaitListed(Admin admin, Collection<? extends Topic<?, ?>> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> names = topics.stream().map(Topic::name).collect(java.util.stream.Collectors.toSet());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker does not list the topics " + names);
            }
            Thread.sleep(50);
        }
    }

    /** Sets each catalog config that an existing topic does not have (or has with another value). */
    private static void alignConfigs(Admin admin, List<? extends Topic<?, ?>> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Map<ConfigResource, Topic<?, ?>> resources = new HashMap<>();
        topics.forEach(topic -> resources.put(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()), topic));
        Map<ConfigResource, Config> current = admin.describeConfigs(resources.keySet()).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        resources.forEach((resource, topic) -> {
            Config config = current.get(resource);
            List<AlterConfigOp> ops = new ArrayList<>();
            topic.configs().forEach((name, value) -> {
                ConfigEntry entry = config == null ? null : config.get(name);
                if (entry == null || !value.equals(entry.value())) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }
}
