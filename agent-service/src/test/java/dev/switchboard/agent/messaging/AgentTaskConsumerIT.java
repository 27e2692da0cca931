package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.AgentRunnerTest;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
@WithTestResource(KafkaTestResource.class)
class AgentTaskConsumerIT {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void channelsUseTheCatalogTopics() {
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("mp.messaging.incoming." + AgentTaskConsumer.TASKS + ".topics", String.class))
                .isEqualTo(Topics.agentTasks("concierge").name());
        assertThat(config.getValue("mp.messaging.outgoing." + AgentTaskConsumer.RESULTS + ".topic", String.class))
                .isEqualTo(Topics.AGENT_RESULTS_RAW.name());
    }

    @Test
    void answersATaskFromTheBrokerWithOneResultKeyedBySession() {
        String session = UUID.randomUUID().toString();
        AgentTask template = AgentRunnerTest.task("concierge", "hello from " + session, 3, 1000);
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTenant("acme").setSessionId(session).setTurnId("t1")
                .setPrincipal(template.getEnvelope().getPrincipal()).setChannel("webchat")
                .setOccurredAt(template.getEnvelope().getOccurredAt()).build();
        template.setEnvelope(envelope);
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, template);
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            AgentResult result = results.first(session, Duration.ofSeconds(30)).value();
            assertThat(result.getOutcome()).isEqualTo(Outcome.REPLY);
            assertThat(result.getReply()).contains("hello from " + session);
            assertThat(result.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        }
    }
}
