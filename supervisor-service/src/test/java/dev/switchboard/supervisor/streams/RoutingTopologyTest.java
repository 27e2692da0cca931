package dev.switchboard.supervisor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.Usage;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

/** Each routing step through the real topology: active agent, tenant rules, default; scopes narrowed. */
class RoutingTopologyTest {

    static final SupervisorConfig CONFIG = SupervisorDriver.Config.of("triage",
            List.of("chat", "billing:read", "support:read"), 4, 10)
            .withTenants(Map.of("acme", SupervisorDriver.Config.Tenant.withRules(
                    SupervisorDriver.Config.rule("\\b(invoice|refund)", null, null, "billing"),
                    SupervisorDriver.Config.rule("crash", "whatsapp", null, "support"),
                    SupervisorDriver.Config.rule(null, null, "plan=enterprise", "support"))));

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
        catalog.pipeInput("triage", TestEvents.agent("triage", "triage", List.of("chat", "billing:read", "support:read"), "support"));
        catalog.pipeInput("support", TestEvents.agent("support", "support", List.of("support:read"), "billing"));
        catalog.pipeInput("billing", TestEvents.agent("billing", "billing", List.of("billing:read", "billing:refund"), "triage"));
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

    @Test
    void aRuleCanMatchAnAttributeOfThePrincipal() {
        turns.pipeInput("s1", TestEvents.turn("acme", "s1", "t1", Map.of("plan", "enterprise"), "hello"));
        AgentTask task = routed("support");
        assertThat(task.getEnvelope().getDelegationChain().get(0).getReason()).contains("plan=enterprise");
        turns.pipeInput("s2", TestEvents.turn("acme", "s2", "t2", Map.of("plan", "free"), "hello"));
        routed("triage");
    }

    @Test
    void whenNoRuleMatchesTheRouterModelChoosesByTheAgentsDescriptions() {
        var catalog = supervisor.input(Topics.AGENTS_CATALOG);
        catalog.pipeInput("support", TestEvents.agent("support",
                "Fixes problems with the app: crashes, error messages, login and password trouble", List.of("support:read")));
        catalog.pipeInput("billing", TestEvents.agent("billing",
                "Answers questions about invoices, charges, payments and refunds", List.of("billing:read")));

        turns.pipeInput("s1", turn("acme", "s1", "webchat", "My login keeps failing with an error"));
        assertThat(routed("support").getEnvelope().getDelegationChain().get(0).getReason()).startsWith("router:");
        turns.pipeInput("s2", turn("acme", "s2", "webchat", "Two charges for one payment?"));
        routed("billing");
        turns.pipeInput("s3", turn("acme", "s3", "webchat", "What is the weather tomorrow?"));
        assertThat(routed("triage").getEnvelope().getDelegationChain().get(0).getReason()).isEqualTo("default agent");
    }

    @Test
    void aPolicyOnTheTopicReplacesTheTenantsRulesAtRunTimeAndItsTombstoneRestoresThem() {
        var policies = supervisor.input(Topics.SUPERVISOR_POLICIES);
        policies.pipeInput("acme", SupervisorPolicy.newBuilder().setTenant("acme")
                .setRules(List.of(RoutingRule.newBuilder().setPattern("weather").setAgent("support").build()))
                .setDefaultAgent("billing").setUpdatedAt(Instant.now()).build());

        turns.pipeInput("s1", turn("acme", "s1", "webchat", "weather please"));
        routed("support");
        turns.pipeInput("s2", turn("acme", "s2", "webchat", "my invoice"));
        assertThat(routed("billing").getEnvelope().getDelegationChain().get(0).getReason())
                .as("the configured invoice rule no longer applies; the policy's default agent does")
                .isEqualTo("default agent");

        policies.pipeInput("acme", (SupervisorPolicy) null);
        turns.pipeInput("s3", turn("acme", "s3", "webchat", "weather please"));
        routed("triage");
        turns.pipeInput("s4", turn("acme", "s4", "webchat", "my invoice"));
        assertThat(routed("billing").getEnvelope().getDelegationChain().get(0).getReason()).contains("invoice");
    }

    /** A policy on the topic, as an older version (or a writer around the HTTP check) may have left it. */
    private void policy(String agent, String defaultAgent) {
        supervisor.input(Topics.SUPERVISOR_POLICIES).pipeInput("acme", SupervisorPolicy.newBuilder().setTenant("acme")
                .setRules(List.of(RoutingRule.newBuilder().setPattern("weather").setAgent(agent).build()))
                .setDefaultAgent(defaultAgent).setUpdatedAt(Instant.now()).build());
    }

    private void assertNoDeadLetter() {
        assertThat(supervisor.driver.producedTopicNames()).doesNotContain(Topics.DEAD_LETTERS.name());
    }

    @Test
    void aRuleNamingAnAgentIdThatIsNotKebabCaseIsAuditedAndTheDefaultAgentAnswers() {
        policy("Billing_Agent", null);
        var decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);

        turns.pipeInput("s1", turn("acme", "s1", "webchat", "weather please"));

        AgentTask task = routed("triage");
        assertThat(task.getEnvelope().getDelegationChain().get(0).getReason())
                .startsWith("default agent").contains("Billing_Agent");
        assertThat(inProgress.get(task.getEnvelope().getTurnId())).isNotNull();
        SupervisorDecision decision = decisions.readValue();
        assertThat(decision.getKind()).isEqualTo(DecisionKind.HANDOFF_REFUSED);
        assertThat(decision.getCode()).isEqualTo("unknown_agent");
        assertThat(decision.getAgent()).isEqualTo("Billing_Agent");
        assertThat(decision.getDetail()).contains("routing rule /weather/").contains("not a valid agent id")
                .contains("triage");
        assertThat(decision.getEnvelope().getSessionId()).isEqualTo("s1");
        assertThat(decisions.isEmpty()).isTrue();
        assertThat(supervisor.output(Topics.REPLIES_OUTBOUND).isEmpty()).isTrue();
        assertNoDeadLetter();
    }

    @Test
    void aRuleNamingAnAgentAbsentFromTheCatalogIsAuditedAndTheDefaultAgentAnswers() {
        policy("retired-agent", null);
        var decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);

        turns.pipeInput("s1", turn("acme", "s1", "webchat", "weather please"));

        routed("triage");
        assertThat(supervisor.driver.producedTopicNames()).doesNotContain(Topics.agentTasks("retired-agent").name());
        SupervisorDecision decision = decisions.readValue();
        assertThat(decision.getCode()).isEqualTo("unknown_agent");
        assertThat(decision.getAgent()).isEqualTo("retired-agent");
        assertThat(decision.getDetail()).contains("routing rule /weather/").contains("not in the agent catalog");
        assertNoDeadLetter();
    }

    @Test
    void anAgentThatLeftTheCatalogIsNoLongerRoutedTo() {
        turns.pipeInput("s1", turn("acme", "s1", "webchat", "my invoice"));
        routed("billing");

        supervisor.input(Topics.AGENTS_CATALOG).pipeInput("billing", (AgentDescriptor) null);
        var decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        turns.pipeInput("s2", turn("acme", "s2", "webchat", "my invoice again"));

        routed("triage");
        assertThat(decisions.readValue().getAgent()).isEqualTo("billing");
        assertNoDeadLetter();
    }

    @Test
    void whenTheDefaultAgentIsUnknownTooTheTurnIsAnsweredWithAnApology() {
        policy("retired-agent", "Not_Hosted");
        var decisions = supervisor.output(Topics.SUPERVISOR_DECISIONS);
        var replies = supervisor.output(Topics.REPLIES_OUTBOUND);

        turns.pipeInput("s1", turn("acme", "s1", "webchat", "weather please"));

        ReplyOutbound reply = replies.readValue();
        assertThat(reply.getKind()).isEqualTo(ReplyKind.FAILURE);
        assertThat(reply.getEnvelope().getSessionId()).isEqualTo("s1");
        SupervisorDecision decision = decisions.readValue();
        assertThat(decision.getCode()).isEqualTo("unknown_agent");
        assertThat(decision.getAgent()).isEqualTo("retired-agent");
        assertThat(decision.getDetail()).contains("Not_Hosted");
        assertThat(inProgress.get(reply.getEnvelope().getTurnId())).isNull();

        turns.pipeInput("s2", turn("acme", "s2", "webchat", "hello there"));
        assertThat(replies.readValue().getKind()).as("the default agent itself").isEqualTo(ReplyKind.FAILURE);
        assertThat(decisions.readValue().getAgent()).isEqualTo("Not_Hosted");
        assertThat(supervisor.driver.producedTopicNames()).noneMatch(topic -> topic.startsWith("agent."));
        assertNoDeadLetter();
    }

    static SessionState state(String session, String activeAgent) {
        return SessionState.newBuilder().setSessionId(session).setTenant("acme").setUser("alice")
                .setRecent(List.of()).setUsage(new Usage(0L, 0L, 0)).setActiveAgent(activeAgent)
                .setUpdatedAt(Instant.now()).build();
    }
}
