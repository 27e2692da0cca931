package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;

class KafkaTestResourceTest {

    @Test
    void givesAServiceItsOwnCredentialsAndItsAgentsTheirs() throws Exception {
        KafkaTestResource resource = new KafkaTestResource();
        resource.init(Map.of("principal", BrokerAccess.AGENT_SERVICE, "agents", "concierge, resource-probe"));
        Map<String, String> config = resource.start();

        assertThat(config).containsEntry("kafka.security.protocol", "SASL_PLAINTEXT")
                .containsEntry("kafka.sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("switchboard.kafka.username", BrokerAccess.AGENT_SERVICE)
                .containsEntry("kafka.bootstrap.servers", EmbeddedKafka.shared().bootstrapServers())
                .containsKeys("switchboard.kafka.password", "kafka.sasl.jaas.config", "kafka-streams.sasl.jaas.config",
                        "switchboard.kafka.agents.\"concierge\".password",
                        "switchboard.kafka.agents.\"resource-probe\".password");
        assertThat(config.get("kafka.sasl.jaas.config")).isEqualTo(BrokerCredentials.jaasConfig(
                BrokerAccess.AGENT_SERVICE, config.get("switchboard.kafka.password")));

        Map<String, Object> asService = new HashMap<>();
        config.forEach((key, value) -> {
            if (key.startsWith("kafka.")) {
                asService.put(key.substring("kafka.".length()), value);
            }
        });
        try (Admin admin = Admin.create(asService)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsExactlyInAnyOrder(Topics.AGENTS_CATALOG.name(), Topics.DEAD_LETTERS.name());
        }
        String agentPassword = config.get("switchboard.kafka.agents.\"resource-probe\".password");
        try (Admin admin = Admin.create(BrokerCredentials.clientProperties(EmbeddedKafka.shared().bootstrapServers(),
                BrokerAccess.agentPrincipal("resource-probe"), agentPassword))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .contains(Topics.agentTasks("resource-probe").name())
                    .doesNotContain(Topics.agentTasks("concierge").name());
        }
        assertThat(EmbeddedKafka.shared().agents()).containsAll(List.of("concierge", "resource-probe"));
    }
}
