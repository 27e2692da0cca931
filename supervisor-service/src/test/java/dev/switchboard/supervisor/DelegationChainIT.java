package dev.switchboard.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.streams.SupervisorQueries;
import dev.switchboard.supervisor.streams.TestEvents;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A triage → support → billing chain on a real broker, with exactly-once processing: the test plays the
 * agents (it answers each task with a handoff) and checks the chain and the narrowed scopes on the way. The
 * first agent is granted three scopes ({@code %test.switchboard.supervisor.default-scopes}), so that each hop
 * visibly narrows them. Every IT of this module has the same test resources, so they share one application.
 */
@QuarkusTest
@WithTestResource(TokenTestResource.class)
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "supervisor"),
        @ResourceArg(name = "agents", value = "concierge,support,billing")})
class DelegationChainIT {

    static final Duration WAIT = Duration.ofSeconds(60);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Inject
    SupervisorQueries queries;

    @Test
    void aTurnGoesFromTriageThroughSupportToBillingWithNarrowingScopes() {
        CatalogAgents.publish(bootstrap, queries, TestEvents.concierge(),
                TestEvents.agent("support", "support", List.of("support:read", "billing:read"), "billing"),
                TestEvents.agent("billing", "billing", List.of("billing:read", "billing:refund"), "concierge"));

        String session = UUID.randomUUID().toString();
        Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("acme")
                .setSessionId(session).setTurnId("t1-" + session).setPrincipal(new Principal("acme", "carol", Map.of()))
                .setChannel("webchat").setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        TopicWriter.send(bootstrap, Topics.TURNS_CLEARED, session, new TurnReceived(envelope, null, "charged twice after a crash"));

        AgentTask triage = next("concierge", session);
        TopicWriter.send(bootstrap, Topics.AGENT_RESULTS_CLEARED, session, handoff(triage, "support"));
        AgentTask support = next("support", session);
        TopicWriter.send(bootstrap, Topics.AGENT_RESULTS_CLEARED, session, handoff(support, "billing"));
        AgentTask billing = next("billing", session);

        assertThat(billing.getEnvelope().getDelegationChain()).extracting(DelegationLink::getAgent)
                .containsExactly("concierge", "support", "billing");
        assertThat(billing.getEnvelope().getDelegationChain()).extracting(DelegationLink::getScopes)
                .containsExactly(List.of("chat", "support:read", "billing:read"),
                        List.of("support:read", "billing:read"), List.of("billing:read"));
        assertThat(billing.getGrantedScopes()).containsExactly("billing:read");
        assertThat(billing.getEnvelope().getPrincipal().getUser()).isEqualTo("carol");
        assertThat(billing.getHop()).isEqualTo(2);
        assertThat(billing.getText()).isEqualTo("charged twice after a crash");

        TopicWriter.send(bootstrap, Topics.AGENT_RESULTS_CLEARED, session, AgentResult.newBuilder()
                .setEnvelope(billing.getEnvelope()).setTaskId(billing.getTaskId()).setAgent("billing")
                .setTicket(billing.getTicket()).setOutcome(Outcome.REPLY).setReply("Refund issued").setUsage(new Usage(1L, 1L, 1)).build());
        try (var replies = TopicReader.fromBeginning(bootstrap, Topics.REPLIES_OUTBOUND)) {
            ReplyOutbound reply = replies.first(session, WAIT).value();
            assertThat(reply.getText()).isEqualTo("Refund issued");
            assertThat(reply.getEnvelope().getDelegationChain()).hasSize(3);
        }
    }

    /**
     * What one supervisor hop adds: from a cleared turn written to the moment its task is readable
     * (read_committed) on the agent's topic, over sequential turns. Printed, never asserted.
     */
    @Test
    void reportsTheLatencyOfOneSupervisorHop() {
        int turns = 40;
        List<Long> micros = new java.util.ArrayList<>();
        try (var tasks = TopicReader.fromBeginning(bootstrap, Topics.agentTasks("concierge"));
             var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                     withLingerZero(EmbeddedKafka.shared().clientProperties("admin")),
                     Topics.TURNS_CLEARED.keySerde().serializer(), Topics.TURNS_CLEARED.valueSerde().serializer())) {
            for (int i = 0; i < turns; i++) {
                String session = UUID.randomUUID().toString();
                Envelope envelope = Envelope.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("acme")
                        .setSessionId(session).setTurnId("t" + i).setPrincipal(new Principal("acme", "dan", Map.of()))
                        .setChannel("webchat").setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
                long start = System.nanoTime();
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.TURNS_CLEARED.name(), session,
                        new TurnReceived(envelope, null, "hop " + i)));
                producer.flush();
                tasks.first(session, WAIT);
                micros.add((System.nanoTime() - start) / 1000);
            }
        }
        List<Long> sorted = micros.stream().skip(5).sorted().toList(); // the first turns warm the JIT up
        System.out.printf("[supervisor] one hop (turns.cleared -> agent task, exactly-once, commit.interval.ms=%s) over %d turns: "
                + "p50=%.1f ms p99=%.1f ms%n", org.eclipse.microprofile.config.ConfigProvider.getConfig()
                        .getValue("kafka-streams.commit.interval.ms", String.class), sorted.size(),
                sorted.get(sorted.size() / 2) / 1000.0, sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1000.0);
        assertThat(sorted).hasSize(turns - 5);
    }

    private static Map<String, Object> withLingerZero(Map<String, ?> admin) {
        Map<String, Object> settings = new java.util.HashMap<>(admin);
        settings.put("linger.ms", 0);
        return settings;
    }

    private AgentTask next(String agent, String session) {
        try (var tasks = TopicReader.fromBeginning(bootstrap, Topics.agentTasks(agent))) {
            return tasks.first(session, WAIT).value();
        }
    }

    private static AgentResult handoff(AgentTask task, String target) {
        return AgentResult.newBuilder().setEnvelope(task.getEnvelope()).setTaskId(task.getTaskId())
                .setAgent(task.getAgent()).setTicket(task.getTicket()).setOutcome(Outcome.HANDOFF)
                .setHandoff(new Handoff(target, "needs " + target, null)).setUsage(new Usage(1L, 1L, 1)).build();
    }
}
