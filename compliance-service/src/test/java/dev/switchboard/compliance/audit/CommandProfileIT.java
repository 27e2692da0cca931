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
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;

/**
 * The command-line mode's configuration profile: the verification runs and no channel connects to Kafka; a command
 * without a reachable broker verifies the database, says that the anchor was not checked and exits with 3.
 */
@QuarkusTest
@TestProfile(CommandProfileIT.CommandProfile.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class CommandProfileIT {

    public static class CommandProfile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return ComplianceMain.COMMAND_PROFILE;
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            // The profile never migrates; the test database may be fresh when this class runs first.
            // No broker: nothing listens on port 1, as on a machine where the command is given no Kafka.
            return Map.of("quarkus.flyway.migrate-at-start", "true", "quarkus.http.test-port", "0",
                    "kafka.bootstrap.servers", "127.0.0.1:1",
                    "switchboard.compliance.anchors.read-timeout", "2s");
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
    void withoutKafkaTheCommandVerifiesTheDatabaseAndSaysTheAnchorWasNotChecked() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        int exit = command.run(uniqueTenant(), new PrintStream(out, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(VerifyAuditCommand.ANCHOR_NOT_CHECKED).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("\"valid\" : true").contains("\"rowsChecked\" : 0")
                .contains("\"anchorsNotChecked\" : \"").contains("The anchors were NOT checked");
    }
}
