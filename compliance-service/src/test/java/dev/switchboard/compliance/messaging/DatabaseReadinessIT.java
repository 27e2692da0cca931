package dev.switchboard.compliance.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.TestEvents;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.StoppableDatabase;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

/**
 * PostgreSQL stopped under the running service (a real server of its own): readiness is DOWN within seconds while
 * liveness stays UP, a turn and a supervisor decision that arrive meanwhile wait (nothing published, nothing
 * dead-lettered) for longer than SmallRye's default limit on an unacknowledged record (60 s, which would stop the
 * decisions' channel), and once the server is back readiness is UP and both are audited, the turn cleared.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(StoppableDatabase.Resource.class)
@WithTestResource(TokenTestResource.class)
class DatabaseReadinessIT {

    private static final Duration DOWN_WITHIN = Duration.ofSeconds(20);
    /** From when the records are written: longer than throttled.unprocessed-record-max-age.ms's default (60 s). */
    private static final Duration OUTAGE = Duration.ofSeconds(80);
    private static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    AuditEventRepository audit;

    @Test
    void readinessIsDownWhileTheDatabaseIsDownAndRecordsWaitForItWithoutBeingDeadLettered() throws Exception {
        ready().statusCode(200)
                .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("UP"));

        String session = UUID.randomUUID().toString();
        String turnId = UUID.randomUUID().toString();
        String decisionId = UUID.randomUUID().toString();
        StoppableDatabase.stop();
        try {
            await().atMost(DOWN_WITHIN).untilAsserted(() -> ready().statusCode(503)
                    .body("checks.find { it.name == 'Database connections health check' }.status", equalTo("DOWN")));
            TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, session,
                    TestEvents.turn(turnId, session, "written while the database is down"));
            TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.SUPERVISOR_DECISIONS, session,
                    TestEvents.decision(decisionId, session, DecisionKind.TASK_TIMEOUT, "task_deadline",
                            "concierge did not answer in time", "concierge", "task-1"));
            long until = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < until) {
                live().statusCode(200);
                ready().statusCode(503);
                Thread.sleep(2000);
            }
            try (var cleared = TopicReader.fromBeginning(bootstrap, Topics.TURNS_CLEARED)) {
                assertThatThrownBy(() -> cleared.first(session, Duration.ofSeconds(1)))
                        .as("nothing cleared before it is audited").isInstanceOf(AssertionError.class);
            }
        } finally {
            StoppableDatabase.start();
        }

        await().atMost(WAIT).untilAsserted(() -> ready().statusCode(200));
        TurnReceived cleared;
        try (var reader = TopicReader.fromBeginning(bootstrap, Topics.TURNS_CLEARED)) {
            cleared = reader.first(session, WAIT).value();
        }
        assertThat(cleared.getEnvelope().getEventId()).isEqualTo(Envelopes.derivedId(turnId, "cleared"));
        await().atMost(WAIT).pollInSameThread().until(() -> audit.findByEventId(decisionId).isPresent());
        assertThat(audit.findByEventId(turnId)).isPresent();
        try (var dead = TopicReader.fromBeginning(bootstrap, Topics.DEAD_LETTERS)) {
            assertThatThrownBy(() -> dead.first(session, Duration.ofSeconds(2)))
                    .as("nothing dead-lettered").isInstanceOf(AssertionError.class);
        }
        live().statusCode(200);
    }

    private static ValidatableResponse ready() {
        return given().port(managementPort()).get("/q/health/ready").then();
    }

    private static ValidatableResponse live() {
        return given().port(managementPort()).get("/q/health/live").then();
    }

    private static int managementPort() {
        return ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class).orElse(9001);
    }
}
