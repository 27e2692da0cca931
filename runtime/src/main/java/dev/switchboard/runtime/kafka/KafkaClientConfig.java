package dev.switchboard.runtime.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.config.SaslConfigs;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The connection settings of the Kafka clients a service builds by hand (admin clients, followers, publishers),
 * taken from the same {@code kafka.*} keys that its SmallRye channels use: the bootstrap servers and the
 * service's broker credentials ({@code kafka.security.protocol}, {@code kafka.sasl.mechanism},
 * {@code kafka.sasl.jaas.config}). Every client of a service thus connects as the service's own principal.
 *
 * <p>A consumer in a consumer group also takes the partition assignor its SmallRye channels take,
 * {@code kafka.partition.assignment.strategy} ({@link #groupConsumer}): cooperative by the runtime's default.
 */
@ApplicationScoped
public class KafkaClientConfig {

    /** The services' partition assignor unless {@code kafka.partition.assignment.strategy} names another. */
    public static final String COOPERATIVE_ASSIGNOR = CooperativeStickyAssignor.class.getName();

    private final Map<String, Object> connection;
    private final String assignor;

    KafkaClientConfig(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
            @ConfigProperty(name = "kafka.security.protocol") Optional<String> securityProtocol,
            @ConfigProperty(name = "kafka.sasl.mechanism") Optional<String> saslMechanism,
            @ConfigProperty(name = "kafka.sasl.jaas.config") Optional<String> jaasConfig,
            @ConfigProperty(name = "kafka.partition.assignment.strategy") Optional<String> assignor) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        securityProtocol.ifPresent(value -> settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, value));
        saslMechanism.ifPresent(value -> settings.put(SaslConfigs.SASL_MECHANISM, value));
        jaasConfig.ifPresent(value -> settings.put(SaslConfigs.SASL_JAAS_CONFIG, value));
        this.connection = Map.copyOf(settings);
        this.assignor = assignor.filter(value -> !value.isBlank()).orElse(COOPERATIVE_ASSIGNOR);
    }

    /** Bootstrap servers and credentials. */
    public Map<String, Object> connection() {
        return connection;
    }

    /** Bootstrap servers and credentials plus the client's own settings (which win). */
    public Map<String, Object> with(Map<String, ?> settings) {
        Map<String, Object> all = new HashMap<>(connection);
        all.putAll(settings);
        return all;
    }

    /**
     * The settings of a consumer in a consumer group, without the connection (add the service's with {@link #with},
     * or another principal's): the services' partition assignor ({@code kafka.partition.assignment.strategy}, the
     * cooperative one unless configured otherwise), then the consumer's own settings (which win).
     */
    public Map<String, Object> groupConsumer(Map<String, ?> settings) {
        Map<String, Object> all = new HashMap<>();
        all.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, assignor);
        all.putAll(settings);
        return all;
    }

    /** The bootstrap servers alone. */
    public String bootstrapServers() {
        return (String) connection.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    }
}
