package dev.switchboard.gateway.rest;

import static dev.switchboard.gateway.Callers.asUser;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.Callers;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.runtime.problem.Problem;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * Tenant tiny may send two messages at once and then one per 100 s ({@code %test} configuration): its third
 * message is refused with 429 and {@code Retry-After}, and is not published.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class RateLimitTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SessionIds sessions;

    @Test
    void overItsMessageLimitATenantGets429WithRetryAfterAndNothingIsPublished() {
        String user = "tiny-" + UUID.randomUUID();
        String session = sessions.forPrincipal("tiny", user);
        asUser("tiny", user).body(Map.of("text", "one")).post("/v1/tenants/tiny/messages").then().statusCode(202);
        asUser("tiny", user).body(Map.of("text", "two")).post("/v1/tenants/tiny/messages").then().statusCode(202);

        Response refused = asUser("tiny", user).body(Map.of("text", "three")).post("/v1/tenants/tiny/messages");
        refused.then().statusCode(429).contentType(Problem.MEDIA_TYPE).body("code", equalTo("rate-limited"))
                .body("status", equalTo(429));
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 100L);
        // Another tenant is not held back by tiny's limit.
        Callers.asAcme().body(Map.of("user", user, "text", "acme is fine")).post("/v1/tenants/acme/messages")
                .then().statusCode(202);

        // A marker after the refusal, in the session's partition: a published third message would come before it.
        TopicWriter.send(bootstrap, Topics.TURNS_RAW, session, marker(session, user));
        try (var turns = TopicReader.fromBeginning(bootstrap, Topics.TURNS_RAW)) {
            List<String> texts = turns.values(session, 3, Duration.ofSeconds(30)).stream().map(TurnReceived::getText)
                    .toList();
            assertThat(texts).containsExactly("one", "two", "marker");
        }
    }

    static TurnReceived marker(String session, String user) {
        return TurnReceived.newBuilder()
                .setEnvelope(Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("tiny")
                        .setSessionId(session).setTurnId(UUID.randomUUID().toString())
                        .setPrincipal(Principal.newBuilder().setTenant("tiny").setUser(user).build())
                        .setChannel("test").setDelegationChain(List.of()).setOccurredAt(Instant.now()).build())
                .setText("marker")
                .build();
    }
}
