package dev.switchboard.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class AgentBrokerCredentialsTest {

    static final Map<String, Object> SERVICE = Map.of(
            "bootstrap.servers", "broker:9092",
            "security.protocol", "SASL_SSL",
            SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512",
            SaslConfigs.SASL_JAAS_CONFIG, dev.switchboard.schemas.access.BrokerCredentials.jaasConfig("agent-service", "service-secret"));

    @Test
    void anAgentConnectsWithTheServicesProtocolAndMechanismAsItsOwnPrincipal() {
        Map<String, Object> billing = AgentBrokerCredentials.connectionOf("billing-agent", SERVICE,
                key -> key.equals("switchboard.kafka.agents.\"billing-agent\".password") ? Optional.of("b-secret")
                        : Optional.empty());
        assertThat(billing).containsEntry("bootstrap.servers", "broker:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
        Map<String, Object> login = login(billing);
        assertThat(login).containsEntry("username", "agent-billing-agent").containsEntry("password", "b-secret");
    }

    @Test
    void quotesAndBackslashesInAPasswordSurviveTheJaasLine() {
        String password = "p\"a\\ss; word=\"x\"";
        Map<String, Object> concierge = AgentBrokerCredentials.connectionOf("concierge", SERVICE, key -> Optional.of(password));
        assertThat(login(concierge)).containsEntry("username", "agent-concierge").containsEntry("password", password);
    }

    @Test
    void aHostedAgentWithoutPasswordFailsNamingTheKey() {
        assertThatThrownBy(() -> AgentBrokerCredentials.connectionOf("tech-support", SERVICE, key -> Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchboard.kafka.agents.\"tech-support\".password")
                .hasMessageContaining("SWITCHBOARD_KAFKA_AGENTS__TECH_SUPPORT__PASSWORD");
        assertThatThrownBy(() -> AgentBrokerCredentials.connectionOf("tech-support", SERVICE, key -> Optional.of(" ")))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void withoutSaslAnAgentConnectsAsTheServiceDoes() {
        Map<String, Object> plain = Map.of("bootstrap.servers", "broker:9092");
        assertThat(AgentBrokerCredentials.connectionOf("concierge", plain, key -> Optional.empty())).isEqualTo(plain);
    }

    /** The login module options Kafka itself parses from the connection's JAAS line. */
    private static Map<String, Object> login(Map<String, Object> connection) {
        String jaas = (String) connection.get(SaslConfigs.SASL_JAAS_CONFIG);
        return Map.copyOf(JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG, new Password(jaas)))
                .configurationEntries().get(0).getOptions());
    }
}
