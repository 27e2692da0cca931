package dev.switchboard.agent.model.providers;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
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
import io.restassured.response.ValidatableResponse;

/**
 * Readiness follows the model provider: against a real local server answering 500, tasks fail until the model's
 * circuit opens, and readiness is DOWN naming the model; once its delay has passed a trial call that fails again opens
 * it again; once the server answers, a task is answered and readiness is UP. Liveness stays UP throughout.
 */
@QuarkusTest
@TestProfile(ProviderReadinessIT.FailingProvider.class)
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "agent-service"),
        @ResourceArg(name = "agents", value = "concierge")})
class ProviderReadinessIT {

    static final RecordedProviderServer PROVIDER = new RecordedProviderServer();
    static final Duration CIRCUIT_DELAY = Duration.ofSeconds(4);
    static final Duration WAIT = Duration.ofSeconds(30);

    /** The concierge's model on the local server: no retries, the circuit opens after two failed calls. */
    public static class FailingProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "switchboard.models.default.provider", "openai",
                    "switchboard.models.default.base-url", PROVIDER.baseUrl(""),
                    "switchboard.models.default.model", "gpt-4o-mini",
                    "switchboard.models.default.max-retries", "0",
                    "switchboard.models.default.circuit-breaker-failures", "2",
                    "switchboard.models.default.circuit-breaker-delay", CIRCUIT_DELAY.toMillis() + "ms");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void readinessIsDownWhileTheModelsCircuitIsOpenAndUpOnceTheProviderAnswers() {
        PROVIDER.always(RecordedProviderServer.Recorded.load("openai/error-500.json"));
        ready().statusCode(200).body("checks.find { it.name == 'model providers' }.status", equalTo("UP"));

        assertThat(answer("first, failing").getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(answer("second, failing").getOutcome()).isEqualTo(Outcome.FAILURE);
        ready().statusCode(503)
                .body("checks.find { it.name == 'model providers' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'model providers' }.data.default",
                        containsString("openai model gpt-4o-mini"));
        live().statusCode(200);

        // The delay passes: the next task tries the provider again, which still fails, and the circuit opens again.
        await().atMost(WAIT).untilAsserted(() -> ready().statusCode(200));
        int calls = PROVIDER.requests().size();
        assertThat(answer("third, a failing trial").getOutcome()).isEqualTo(Outcome.FAILURE);
        assertThat(PROVIDER.requests()).as("the trial reached the provider").hasSize(calls + 1);
        ready().statusCode(503).body("checks.find { it.name == 'model providers' }.status", equalTo("DOWN"));
        live().statusCode(200);

        PROVIDER.always(RecordedProviderServer.Recorded.load("openai/chat-completion-text.json"));
        await().atMost(WAIT).untilAsserted(() -> ready().statusCode(200));
        assertThat(answer("fourth, answered").getOutcome()).isEqualTo(Outcome.REPLY);
        assertThat(answer("fifth, answered").getOutcome()).isEqualTo(Outcome.REPLY);
        ready().statusCode(200).body("checks.find { it.name == 'model providers' }.status", equalTo("UP"));
        live().statusCode(200);
    }

    /** Sends a task to the concierge and returns its result. */
    private AgentResult answer(String text) {
        String session = UUID.randomUUID().toString();
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, AgentWorkersIT.taskFor(session, text));
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            return results.first(session, WAIT).value();
        }
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
