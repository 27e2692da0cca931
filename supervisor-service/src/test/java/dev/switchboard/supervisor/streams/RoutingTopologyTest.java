package dev.switchboard.supervisor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

/** Each routing step through the real topology: active agent, tenant rules, default; scopes narrowed. */
class RoutingTopologyTest {

    record Rule(String pattern, Optional<String> channel, String agent) implements SupervisorConfig.RoutingRule {
    }

    static final SupervisorConfig CONFIG = SupervisorDriver.Config.of("triage",
            List.of("chat", "billing:read", "support:read"), 4, 10)
            .withTenants(Map.of("acme", () -> List.of(
                    new Rule("\\b(invoice|refund)", Optional.empty(), "billing"),
                    new Rule("crash", Optional.of("whatsapp"), "support"))));

    SupervisorDriver supervisor;
    TestInputTopic<String, TurnReceived> turns;
    TestInputTopic<String, SessionState> sessions;
    KeyValueStore<String, AgentTask> inProgress;

    @BeforeEach
    void start() {
        supervisor = new SupervisorDriver(CONFIG);
        turns = supervisor.input(Topics.TURNS_CLEARED);
        sessions = supervisor.input(Topics.SESSIONS_STATE);
        var catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("triage", DelegationTopologyTest.agent("triage", List.of("chat", "billing:read", "support:read"), "support"));
        catalog.pipeInput("support", DelegationTopologyTest.agent("support", List.of("support:read"), "billing"));
        catalog.pipeInput("billing", DelegationTopologyTest.agent("billing", List.of("billing:read", "billing:refund"), "triage"));
        inProgress = supervisor.driver.getKeyValueStore(TopologyProducer.TURNS_STORE);
    }

    @AfterEach
    void stop() {
        supervisor.close();
    }

    private AgentTask routed(String agent) {
        var output = supervisor.tasksOf(agent);
        assertThat(output.isEmpty()).as("a task for " + agent).isFalse();
        return output.readValue();
    }

    static TurnReceived turn(String tenant, String session, String channel, String text) {
        Envelope envelope = Envelope.newBuilder().setEventId("ev-" + text.hashCode()).setTenant(tenant).setSessionId(session)
                .setTurnId("turn-" + text.hashCode()).setPrincipal(new Principal(tenant, "alice", Map.of())).setChannel(channel)
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
        return new TurnReceived(envelope, null, text);
    }

    @Test
    void withoutActiveAgentOrMatchingRuleTheDefaultAgentAnswersWithItsDeclaredScopes() {
        turns.pipeInput("s1", turn("acme", "s1", "webchat", "hello there"));
        AgentTask task = routed("triage");
        assertThat(task.getGrantedScopes()).containsExactly("chat", "billing:read", "support:read");
        assertThat(task.getEnvelope().getDelegationChain()).singleElement()
                .satisfies(link -> assertThat(link.getReason()).isEqualTo("default agent"));
        assertThat(inProgress.get(task.getEnvelope().getTurnId())).isEqualTo(task);
    }

    @Test
    void theFirstMatchingRuleOfTheTenantPicksTheAgentAndScopesNarrowToItsDeclaration() {
        turns.pipeInput("s1", turn("acme", "s1", "webchat", "Where is my Invoice?"));
        AgentTask task = routed("billing");
        assertThat(task.getGrantedScopes()).containsExactly("billing:read");
        assertThat(task.getEnvelope().getDelegationChain()).extracting(DelegationLink::getReason)
                .singleElement().asString().contains("invoice|refund");
    }

    @Test
    void aChannelRuleOnlyMatchesItsChannel() {
        turns.pipeInput("s1", turn("acme", "s1", "webchat", "the app crash again"));
        routed("triage");
        turns.pipeInput("s2", turn("acme", "s2", "whatsapp", "the app crash again!"));
        assertThat(routed("support").getGrantedScopes()).containsExactly("support:read");
    }

    @Test
    void anotherTenantsRulesDoNotApply() {
        turns.pipeInput("s1", turn("globex", "s1", "webchat", "refund please"));
        routed("triage");
    }

    @Test
    void theSessionsActiveAgentComesFirstWhenTheCatalogKnowsIt() {
        sessions.pipeInput("s1", state("s1", "support"));
        turns.pipeInput("s1", turn("acme", "s1", "webchat", "refund please"));
        assertThat(routed("support").getEnvelope().getDelegationChain().get(0).getReason())
                .isEqualTo("active agent of the session");

        sessions.pipeInput("s2", state("s2", "retired-agent"));
        turns.pipeInput("s2", turn("acme", "s2", "webchat", "refund now"));
        routed("billing");
    }

    static SessionState state(String session, String activeAgent) {
        return SessionState.newBuilder().setSessionId(session).setTenant("acme").setUser("alice")
                .setRecent(List.of()).setUsage(new Usage(0L, 0L, 0)).setActiveAgent(activeAgent)
                .setUpdatedAt(Instant.now()).build();
    }
}
