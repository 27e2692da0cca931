package dev.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.streams.SupervisorQueries;
import dev.switchboard.supervisor.streams.TestEvents;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The packaged topology against a real broker as the {@code supervisor} principal, with exactly-once processing. */
@QuarkusTest
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "supervisor"),
        @ResourceArg(name = "agents", value = "concierge,support,billing")})
class SupervisorIT {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SupervisorQueries queries;

    @ConfigProperty(name = "switchboard.tasks.ticket-key")
    String ticketKey;

    @Test
    void routesAClearedTurnToTheDefaultAgentsTaskTopic() {
        CatalogAgents.publish(bootstrap, queries, TestEvents.concierge());
        String session = UUID.randomUUID().toString();
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("acme")
                .setSessionId(session).setTurnId("t1-" + session).setPrincipal(new Principal("acme", "bob", Map.of()))
                .setChannel("webchat").setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, session, new TurnReceived(envelope, null, "hello"));
        try (var tasks = TopicReader.fromBeginning(bootstrap, Topics.agentTasks("concierge"))) {
            AgentTask task = tasks.first(session, Duration.ofSeconds(60)).value();
            assertThat(task.getText()).isEqualTo("hello");
            assertThat(task.getEnvelope().getPrincipal().getUser()).isEqualTo("bob");
            assertThat(TaskTickets.fromBase64(ticketKey).verify(task.getTicket()))
                    .as("signed with the configured ticket key, for exactly this task").contains(TaskTickets.Claims.of(task));
        }
    }
}
