package dev.switchboard.schemas.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import javax.security.auth.login.AppConfigurationEntry;

import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;

class BrokerCredentialsTest {

    @Test
    void quotesAndBackslashesInAPasswordSurviveTheJaasParser() {
        String password = "a\"b\\c d;e=f'";
        Map<String, Object> properties = BrokerCredentials.clientProperties("localhost:9092", "agent-billing", password);
        assertThat(properties).containsEntry("security.protocol", "SASL_PLAINTEXT")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("bootstrap.servers", "localhost:9092");
        String jaas = (String) properties.get("sasl.jaas.config");
        assertThat(jaas).startsWith("org.apache.kafka.common.security.scram.ScramLoginModule required ");

        JaasContext context = JaasContext.loadClientContext(Map.of("sasl.jaas.config", new Password(jaas)));
        AppConfigurationEntry entry = context.configurationEntries().get(0);
        Map<String, ?> options = entry.getOptions();
        assertThat(options.get("username")).isEqualTo("agent-billing");
        assertThat(options.get("password")).isEqualTo(password);
    }

    @Test
    void randomPasswordsDifferAndNeedNoEscaping() {
        String one = BrokerCredentials.randomPassword();
        assertThat(one).hasSize(32).matches("[A-Za-z0-9_-]+").isNotEqualTo(BrokerCredentials.randomPassword());
    }
}
