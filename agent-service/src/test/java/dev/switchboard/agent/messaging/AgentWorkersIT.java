package dev.switchboard.agent.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.AgentRunnerTest;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Outcome;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The packaged workers on a real broker that enforces ACLs: the agent's consumer and transactional producer run as
 * {@code agent-concierge}, the catalog and dead letters as {@code agent-service}.
 */
@QuarkusTest
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "agent-service"),
        @ResourceArg(name = "agents", value = "concierge")})
@WithTestResource(AgentWorkersIT.SmallResults.class)
public class AgentWorkersIT {

    /** A limit on results that an echo of the offline model can exceed within the concierge's token budget. */
    public static class SmallResults implements QuarkusTestResourceLifecycleManager {

        static final int MAX_RESULT_BYTES = 8 * 1024;

        @Override
        public Map<String, String> start() {
            return Map.of("switchboard.agent-service.max-result-bytes", String.valueOf(MAX_RESULT_BYTES));
        }

        @Override
        public void stop() {
        }
    }

    static final Duration WAIT = Duration.ofSeconds(30);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    public static AgentTask taskFor(String session, String text) {
        AgentTask template = AgentRunnerTest.task("concierge", text, 3, 1000);
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString())
                .setTenant("acme").setSessionId(session).setTurnId("t1")
                .setPrincipal(template.getEnvelope().getPrincipal()).setChannel("webchat")
                .setOccurredAt(template.getEnvelope().getOccurredAt()).build();
        template.setEnvelope(envelope);
        template.setTaskId(envelope.getEventId());
        template.setTicket("ticket-of-" + envelope.getEventId());
        return template;
    }

    @Test
    void answersATaskWithOneResultKeyedBySessionInTheAgentsOwnGroup() throws Exception {
        String session = UUID.randomUUID().toString();
        AgentTask task = taskFor(session, "hello from " + session);
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, task);
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            AgentResult result = results.first(session, WAIT).value();
            assertThat(result.getOutcome()).isEqualTo(Outcome.REPLY);
            assertThat(result.getTaskId()).isEqualTo(task.getTaskId());
            assertThat(result.getTicket()).as("the task's ticket, copied unchanged").isEqualTo(task.getTicket());
            assertThat(result.getReply()).contains("hello from " + session);
            assertThat(result.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        }
        try (Admin admin = Admin.create(EmbeddedKafka.shared().clientProperties("admin"))) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(admin
                    .listConsumerGroupOffsets(AgentWorkers.groupOf("concierge")).partitionsToOffsetAndMetadata().get())
                    .as("offsets committed by the agent's own group").isNotEmpty());
        }
    }

    @Test
    void theWorkersLivenessIsOnTheManagementInterfaceOnly() {
        int management = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(9001);
        given().port(management).get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'agent workers' }.status", equalTo("UP"));
        given().get("/q/health/live").then().statusCode(404);
    }

    @Test
    void readinessReportsTheBrokerAndTheModelProviders() {
        int management = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(9001);
        given().port(management).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka broker' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'model providers' }.status", equalTo("UP"));
        given().port(management).get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'Kafka broker' }", nullValue());
    }

    @Test
    void theAgentsGroupRebalancesCooperativelyWithAStaticMember() throws Exception {
        String session = UUID.randomUUID().toString();
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, taskFor(session, "hello"));
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            results.first(session, WAIT);
        }
        try (Admin admin = Admin.create(EmbeddedKafka.shared().clientProperties("admin"))) {
            var group = admin.describeConsumerGroups(List.of(AgentWorkers.groupOf("concierge"))).all().get()
                    .get(AgentWorkers.groupOf("concierge"));
            assertThat(group.partitionAssignor()).isEqualTo("cooperative-sticky");
            assertThat(group.members()).singleElement().satisfies(member ->
                    assertThat(member.groupInstanceId()).hasValue("agent-concierge-" + ConfigProvider.getConfig()
                            .getValue("switchboard.agent-service.instance-id", String.class)));
        }
    }

    @Test
    void publishesWhatTheHostedAgentDeclaresToTheCatalog() {
        try (var catalog = TopicReader.fromBeginning(bootstrap, Topics.AGENTS_CATALOG)) {
            var concierge = catalog.first("concierge", WAIT).value();
            assertThat(concierge.getScopes()).containsExactly("chat");
            assertThat(concierge.getHandoffs()).extracting(h -> h.getTo()).containsExactlyInAnyOrder("billing-agent", "tech-support");
            assertThat(concierge.getMaxIterations()).isEqualTo(4);
        }
    }

    @Test
    void theTasksOfOneSessionAreAnsweredInOrder() {
        String session = UUID.randomUUID().toString();
        for (int i = 0; i < 5; i++) {
            TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, taskFor(session, "message " + i));
        }
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            assertThat(results.values(session, 5, WAIT)).extracting(AgentResult::getReply)
                    .allSatisfy(reply -> assertThat(reply).contains("message "))
                    .satisfies(replies -> {
                        for (int i = 0; i < 5; i++) {
                            assertThat(replies.get(i)).contains("message " + i);
                        }
                    });
        }
    }

    @Test
    void aReplyLargerThanTheLimitFailsAsTooLargeAndTheNextTaskIsAnsweredByTheRunningWorker() {
        String session = UUID.randomUUID().toString();
        // the offline model echoes the text: about 10 KB, over the limit, and about 2,600 tokens, within the budget
        AgentTask large = taskFor(session, "word ".repeat(2_000));
        large.setMaxTokens(6_000);
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, large);
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, taskFor(session, "after the large one"));
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            var answers = results.values(session, 2, WAIT);
            assertThat(answers).hasSize(2);
            assertThat(answers.get(0).getTaskId()).isEqualTo(large.getTaskId());
            assertThat(answers.get(0).getOutcome()).isEqualTo(Outcome.FAILURE);
            assertThat(answers.get(0).getFailure().getCode()).isEqualTo("result_too_large");
            assertThat(answers.get(0).getTicket()).isEqualTo(large.getTicket());
            assertThat(answers.get(0).getUsage().getInputTokens()).as("the tokens spent are still debited").isPositive();
            assertThat(answers.get(1).getReply()).contains("after the large one");
        }
        int management = ConfigProvider.getConfig().getOptionalValue("quarkus.management.test-port", Integer.class)
                .orElse(9001);
        given().port(management).get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'agent workers' }.status", equalTo("UP"));
    }

    /** Agents may write only their results: dead letters go through the host, as agent-service, before the offset. */
    @Test
    void anUndecodableTaskIsDeadLetteredAndTheNextOneStillAnswered() throws Exception {
        String session = UUID.randomUUID().toString();
        try (var producer = new KafkaProducer<>(EmbeddedKafka.shared().clientProperties("admin"),
                new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.agentTasks("concierge").name(), session,
                    "not avro".getBytes(StandardCharsets.UTF_8))).get();
        }
        TopicWriter.send(bootstrap, Topics.agentTasks("concierge"), session, taskFor(session, "after the poison"));
        try (var dead = TopicReader.fromBeginning(bootstrap, Topics.DEAD_LETTERS)) {
            var record = dead.first(session, WAIT);
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
            assertThat(new String(record.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8))
                    .startsWith("undecodable task");
        }
        try (var results = TopicReader.fromBeginning(bootstrap, Topics.AGENT_RESULTS_RAW)) {
            assertThat(results.first(session, WAIT).value().getReply()).contains("after the poison");
        }
    }
}
