package dev.switchboard.agent.model.providers;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.messaging.AgentWorkersIT;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Outcome;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The packaged service with a real provider configured: a task read from Kafka is answered by the agent
 * loop through the OpenAI adapter, against a local server that plays a recorded chat completion.
 */
@QuarkusTest
@TestProfile(ConfiguredProviderIT.OpenAiDefaultModel.class)
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "agent-service"),
        @ResourceArg(name = "agents", value = "concierge")})
class ConfiguredProviderIT {

    static final RecordedProviderServer PROVIDER = new RecordedProviderServer()
            .always(RecordedProviderServer.Recorded.load("openai/chat-completion-text.json"));

    /** Agents whose @Agent names the model "default" run on an OpenAI-compatible endpoint. */
    public static class OpenAiDefaultModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.models.default.provider", "openai",
                    "switchboard.models.default.base-url", PROVIDER.baseUrl(""),
                    "switchboard.models.default.model", "gpt-4o-mini",
                    "switchboard.models.default.api-key", "test-key",
                    "switchboard.models.default.max-retries", "0");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aTaskIsAnsweredByTheConfiguredProviderWithItsReportedUsage() {
        String session = UUID.randomUUID().toString();
        var task = AgentWorkersIT.taskFor(session, "Where is my order A-1042?");
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, task);

        AgentResult result;
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            result = results.first(session, Duration.ofSeconds(30)).value();
        }
        assertThat(result.getOutcome()).isEqualTo(Outcome.REPLY);
        assertThat(result.getModel()).isEqualTo("gpt-4o-mini");
        assertThat(result.getTicket()).isEqualTo(task.getTicket());
        assertThat(result.getReply()).isEqualTo("Order A-1042 shipped yesterday and should arrive on Thursday.");
        assertThat(result.getUsage().getInputTokens()).isEqualTo(264L);
        assertThat(result.getUsage().getOutputTokens()).isEqualTo(15L);

        var request = PROVIDER.requests().stream()
                .filter(r -> r.body().toString().contains("Where is my order A-1042?")).findFirst().orElseThrow();
        assertThat(request.path()).isEqualTo("/chat/completions");
        assertThat(request.header("Authorization")).isEqualTo("Bearer test-key");
        List<String> tools = new ArrayList<>();
        request.body().path("tools").forEach(tool -> tools.add(tool.path("function").path("name").asText()));
        assertThat(tools).contains("faq", "handoff");
    }
}
