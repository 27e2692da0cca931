package dev.switchboard.agent.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.config.SaslConfigs;
import org.eclipse.microprofile.config.Config;

import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;

/**
 * The broker connection of each hosted agent. Every agent has a principal of its own, {@code agent-<id>}, whose
 * ACLs let it read only its task topic and write only {@code agent.results.raw}: one agent's clients can neither
 * read another agent's tasks nor write anywhere else, whatever its code does. The agent's consumer and
 * transactional producer use the service's bootstrap servers, security protocol and SASL mechanism with the
 * agent's own SCRAM login; its password is {@code switchboard.kafka.agents."<id>".password} (from the environment,
 * {@code SWITCHBOARD_KAFKA_AGENTS__<ID>__PASSWORD} with the id upper-cased and dashes as underscores). The
 * service's own principal ({@code agent-service}, from {@code kafka.*}) is kept for the catalog and dead letters.
 *
 * <p>Without SASL (a broker with no authentication), agents connect exactly as the service does.
 */
@ApplicationScoped
public class AgentBrokerCredentials {

    private final KafkaClientConfig service;
    private final Config config;

    AgentBrokerCredentials(KafkaClientConfig service, Config config) {
        this.service = service;
        this.config = config;
    }

    /** The configuration key of an agent's broker password. */
    public static String passwordKey(String agent) {
        return "switchboard.kafka.agents.\"" + agent + "\".password";
    }

    /**
     * The connection settings of {@code agent}'s clients, with {@code settings} of their own.
     *
     * @throws IllegalStateException naming the key when the service uses SASL and the agent has no password
     */
    public Map<String, Object> connection(String agent, Map<String, ?> settings) {
        Map<String, Object> connection = connectionOf(agent, service.connection(),
                key -> config.getOptionalValue(key, String.class));
        connection.putAll(settings);
        return connection;
    }

    /**
     * The service's connection with the agent's own SCRAM login in place of the service's.
     *
     * @param service   the service's connection settings
     * @param passwords looks a configuration key up
     */
    static Map<String, Object> connectionOf(String agent, Map<String, Object> service,
            Function<String, Optional<String>> passwords) {
        Map<String, Object> connection = new HashMap<>(service);
        if (connection.containsKey(SaslConfigs.SASL_MECHANISM) || connection.containsKey(SaslConfigs.SASL_JAAS_CONFIG)) {
            String password = passwords.apply(passwordKey(agent)).filter(value -> !value.isBlank())
                    .orElseThrow(() -> new IllegalStateException("Agent '" + agent
                            + "' is hosted but has no broker password: set " + passwordKey(agent) + " (environment: "
                            + environmentName(agent) + ") to the password of principal " + BrokerAccess.agentPrincipal(agent)));
            connection.put(SaslConfigs.SASL_JAAS_CONFIG, BrokerCredentials.jaasConfig(BrokerAccess.agentPrincipal(agent), password));
        }
        return connection;
    }

    private static String environmentName(String agent) {
        return "SWITCHBOARD_KAFKA_AGENTS__" + agent.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                + "__PASSWORD";
    }
}
