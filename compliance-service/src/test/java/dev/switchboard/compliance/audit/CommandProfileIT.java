package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.ComplianceMain;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/** The command-line mode's configuration profile: the verification runs, and no Kafka client is created. */
@QuarkusTest
@TestProfile(CommandProfileIT.CommandProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class CommandProfileIT {

    public static class CommandProfile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return ComplianceMain.COMMAND_PROFILE;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // The profile never migrates; the test database may be fresh when this class runs first.
            return Map.of("quarkus.flyway.migrate-at-start", "true", "quarkus.http.test-port", "0");
        }
    }

    @Inject
    KafkaClientService kafka;

    @Inject
    VerifyAuditCommand command;

    @Test
    void noChannelConnectsToKafka() {
        assertThat(kafka.getConsumerChannels()).isEmpty();
        assertThat(kafka.getProducerChannels()).isEmpty();
    }

    @Test
    void theCommandVerifiesATenant() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = command.run(uniqueTenant(), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(VerifyAuditCommand.VALID);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"valid\" : true").contains("\"rowsChecked\" : 0");
    }
}
