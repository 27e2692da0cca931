package dev.switchboard.schemas.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/** The generated bindings, evaluated the way the broker's authorizer matches them. */
class BrokerAccessTest {

    private static final List<String> AGENTS = List.of("concierge", "billing", "billing-agent", "tech-support");
    private static final List<AclBinding> BINDINGS = BrokerAccess.bindings(AGENTS);
    private static final List<String> EVERYONE = BrokerAccess.principals(AGENTS).stream()
            .map(BrokerPrincipal::name).toList();

    @Test
    void onlyComplianceWritesClearedAndRejectedTopics() {
        for (Topic<?, ?> topic : List.of(Topics.TURNS_CLEARED, Topics.AGENT_RESULTS_CLEARED, Topics.TURNS_REJECTED)) {
            assertThat(allowed(ResourceType.TOPIC, topic.name(), AclOperation.WRITE)).as(topic.name())
                    .containsExactly(BrokerAccess.COMPLIANCE, BrokerAccess.REDRIVE);
        }
    }

    @Test
    void theRedrivePrincipalReadsDeadLettersAndWritesOnlyWhereTheyAreRedrivenTo() {
        Set<String> writes = DeadLetters.REDRIVE_TOPICS.stream().map(Topic::name)
                .collect(Collectors.toCollection(java.util.HashSet::new));
        AGENTS.forEach(agent -> writes.add(Topics.agentTasks(agent).name()));
        assertThat(topicsWhere(BrokerAccess.REDRIVE, AclOperation.READ)).containsExactly(Topics.DEAD_LETTERS.name());
        assertThat(topicsWhere(BrokerAccess.REDRIVE, AclOperation.WRITE)).isEqualTo(writes);
        for (Topic<?, ?> topic : List.of(Topics.TURNS_RAW, Topics.AGENT_RESULTS_RAW, Topics.CHANNELS_INBOUND,
                Topics.SESSIONS_STATE, Topics.SUPERVISOR_POLICIES, Topics.COMPLIANCE_POLICIES, Topics.AUDIT_ANCHORS,
                Topics.REPLIES_ROUTED, Topics.DEAD_LETTERS)) {
            assertThat(allows(BrokerAccess.REDRIVE, ResourceType.TOPIC, topic.name(), AclOperation.WRITE))
                    .as(topic.name()).isFalse();
        }
        assertThat(BINDINGS.stream().filter(binding -> binding.entry().principal().equals("User:" + BrokerAccess.REDRIVE))
                .map(binding -> binding.pattern().resourceType()).distinct()).containsExactly(ResourceType.TOPIC);
        assertThat(allowed(ResourceType.TOPIC, "agent.not-hosted.tasks", AclOperation.WRITE)).isEmpty();
    }

    @Test
    void onlyComplianceReadsRawTopics() {
        for (Topic<?, ?> topic : List.of(Topics.TURNS_RAW, Topics.AGENT_RESULTS_RAW)) {
            assertThat(allowed(ResourceType.TOPIC, topic.name(), AclOperation.READ)).as(topic.name())
                    .containsExactly(BrokerAccess.COMPLIANCE);
        }
    }

    @Test
    void onlyTheSupervisorWritesTasksHumanQueueAndReplies() {
        // ... and the re-drive principal, which writes a dead letter back to where it was read
        for (String agent : AGENTS) {
            assertThat(allowed(ResourceType.TOPIC, Topics.agentTasks(agent).name(), AclOperation.WRITE))
                    .containsExactly(BrokerAccess.SUPERVISOR, BrokerAccess.REDRIVE);
        }
        for (Topic<?, ?> topic : List.of(Topics.REPLIES_OUTBOUND, Topics.SUPERVISOR_DECISIONS)) {
            assertThat(allowed(ResourceType.TOPIC, topic.name(), AclOperation.WRITE)).as(topic.name())
                    .containsExactly(BrokerAccess.SUPERVISOR, BrokerAccess.REDRIVE);
        }
        for (Topic<?, ?> topic : List.of(Topics.HUMAN_QUEUE, Topics.REPLIES_ROUTED)) {
            assertThat(allowed(ResourceType.TOPIC, topic.name(), AclOperation.WRITE)).as(topic.name())
                    .containsExactly(BrokerAccess.SUPERVISOR);
        }
        // Only the gateway reads the routed replies and keeps the leases of its reply streams.
        assertThat(allowed(ResourceType.TOPIC, Topics.REPLIES_ROUTED.name(), AclOperation.READ))
                .containsExactlyInAnyOrder(BrokerAccess.GATEWAY, BrokerAccess.COMPLIANCE);
        assertThat(allowed(ResourceType.TOPIC, Topics.REPLY_STREAMS.name(), AclOperation.WRITE))
                .containsExactly(BrokerAccess.GATEWAY);
        assertThat(allowed(ResourceType.TOPIC, "agent.not-hosted.tasks", AclOperation.WRITE))
                .as("task topics are granted one by one, not by prefix").isEmpty();
    }

    @Test
    void eachAgentReadsOnlyItsOwnTaskTopicAndWritesOnlyResults() {
        for (String agent : AGENTS) {
            String principal = BrokerAccess.agentPrincipal(agent);
            Set<String> reads = topicsWhere(principal, AclOperation.READ);
            assertThat(reads).containsExactly(Topics.agentTasks(agent).name());
            assertThat(topicsWhere(principal, AclOperation.WRITE)).containsExactly(Topics.AGENT_RESULTS_RAW.name());
            for (String other : AGENTS) {
                if (!other.equals(agent)) {
                    assertThat(allows(principal, ResourceType.TOPIC, Topics.agentTasks(other).name(), AclOperation.DESCRIBE))
                            .as(principal + " on the tasks of " + other).isFalse();
                }
            }
        }
        assertThat(allowed(ResourceType.TOPIC, Topics.AGENT_RESULTS_RAW.name(), AclOperation.WRITE))
                .containsExactlyInAnyOrderElementsOf(AGENTS.stream().map(BrokerAccess::agentPrincipal).toList());
    }

    @Test
    void agentGroupsAndTransactionalIdsDoNotOverlap() {
        String billing = BrokerAccess.agentPrincipal("billing");
        assertThat(allows(billing, ResourceType.TRANSACTIONAL_ID, "switchboard-agent-billing-1", AclOperation.WRITE)).isTrue();
        assertThat(allows(billing, ResourceType.TRANSACTIONAL_ID, "switchboard-agent-billing-agent-1", AclOperation.WRITE))
                .isFalse();
        assertThat(allows(billing, ResourceType.GROUP, "switchboard-agent-billing", AclOperation.READ)).isTrue();
        assertThat(allows(billing, ResourceType.GROUP, "switchboard-agent-billing-agent", AclOperation.READ)).isFalse();
        assertThat(allowed(ResourceType.GROUP, "switchboard-agent-billing-agent", AclOperation.READ))
                .containsExactly(BrokerAccess.agentPrincipal("billing-agent"));
    }

    @Test
    void theGatewayPublishesTurnsButNeverClearsThem() {
        String gateway = BrokerAccess.GATEWAY;
        assertThat(allows(gateway, ResourceType.TOPIC, Topics.TURNS_RAW.name(), AclOperation.WRITE)).isTrue();
        assertThat(allows(gateway, ResourceType.TOPIC, Topics.TURNS_CLEARED.name(), AclOperation.WRITE)).isFalse();
        assertThat(allows(gateway, ResourceType.TOPIC, Topics.TURNS_RAW.name(), AclOperation.READ)).isFalse();
        assertThat(allows(gateway, ResourceType.TOPIC, "switchboard-gateway-inbound-dedupe-changelog", AclOperation.CREATE))
                .as("its Streams application owns its internal topics").isTrue();
        assertThat(allows(gateway, ResourceType.TRANSACTIONAL_ID, "switchboard-gateway-inbound-0-1", AclOperation.WRITE))
                .isTrue();
    }

    @Test
    void complianceReadsEveryTopicForTimelinesAndCreatesOnlyReplayTopics() {
        for (Topic<?, ?> topic : Topics.all(AGENTS)) {
            assertThat(allows(BrokerAccess.COMPLIANCE, ResourceType.TOPIC, topic.name(), AclOperation.READ))
                    .as(topic.name()).isTrue();
        }
        assertThat(allows(BrokerAccess.COMPLIANCE, ResourceType.TOPIC, "replay.abc.turns.cleared", AclOperation.CREATE))
                .isTrue();
        assertThat(allows(BrokerAccess.COMPLIANCE, ResourceType.TOPIC, "turns.cleared.copy", AclOperation.CREATE))
                .isFalse();
        assertThat(allowed(ResourceType.TOPIC, "replay.abc.turns.cleared", AclOperation.WRITE))
                .containsExactly(BrokerAccess.COMPLIANCE);
    }

    @Test
    void everyCatalogTopicHasAWriterAndAReaderAndNoPrefixCoversACatalogTopic() {
        for (Topic<?, ?> topic : Topics.all(AGENTS)) {
            assertThat(allowed(ResourceType.TOPIC, topic.name(), AclOperation.WRITE)).as(topic.name()).isNotEmpty();
            assertThat(allowed(ResourceType.TOPIC, topic.name(), AclOperation.READ)).as(topic.name()).isNotEmpty();
            for (AclBinding binding : BINDINGS) {
                if (binding.pattern().resourceType() == ResourceType.TOPIC
                        && binding.pattern().patternType() == PatternType.PREFIXED) {
                    assertThat(topic.name()).as(binding.toString()).doesNotStartWith(binding.pattern().name());
                }
            }
        }
    }

    @Test
    void onlyNarrowAllowsForNamedUsersAndNothingForAdmin() {
        for (AclBinding binding : BINDINGS) {
            if (binding.entry().permissionType() == AclPermissionType.DENY) {
                assertThat(binding.pattern().resourceType()).as(binding.toString()).isEqualTo(ResourceType.TRANSACTIONAL_ID);
                continue;
            }
            assertThat(binding.entry().permissionType()).isEqualTo(AclPermissionType.ALLOW);
            assertThat(binding.entry().principal()).startsWith("User:").isNotEqualTo("User:*");
            assertThat(binding.pattern().resourceType()).isNotEqualTo(ResourceType.CLUSTER);
            assertThat(binding.pattern().name()).isNotEqualTo("*");
            assertThat(binding.pattern().patternType()).isIn(PatternType.LITERAL, PatternType.PREFIXED);
        }
        assertThat(EVERYONE).doesNotContain(BrokerAccess.ADMIN).doesNotHaveDuplicates();
        assertThat(BrokerAccess.principal(BrokerAccess.ADMIN, AGENTS)).isEmpty();
    }

    @Test
    void moreAgentsOnlyAddBindings() {
        assertThat(BrokerAccess.bindings(List.of("concierge", "billing", "billing-agent", "tech-support", "new-one")))
                .containsAll(BINDINGS);
    }

    @Test
    void agentIdsMustBeKebabCase() {
        assertThatThrownBy(() -> BrokerAccess.agentPrincipal("Billing Agent")).isInstanceOf(IllegalArgumentException.class);
    }

    /** Whether the bindings allow this principal the operation, with Kafka's matching and implied operations. */
    private static boolean allows(String principal, ResourceType type, String name, AclOperation operation) {
        List<AclBinding> applying = BINDINGS.stream()
                .filter(binding -> binding.entry().principal().equals("User:" + principal)
                        && binding.pattern().resourceType() == type && matches(binding, name))
                .toList();
        boolean denied = applying.stream().anyMatch(binding -> binding.entry().permissionType() == AclPermissionType.DENY
                && (binding.entry().operation() == operation || binding.entry().operation() == AclOperation.ALL));
        return !denied && applying.stream().anyMatch(binding -> binding.entry().permissionType() == AclPermissionType.ALLOW
                && implies(binding.entry().operation(), operation));
    }

    private static boolean matches(AclBinding binding, String name) {
        String pattern = binding.pattern().name();
        return switch (binding.pattern().patternType()) {
            case LITERAL -> pattern.equals(name) || pattern.equals("*");
            case PREFIXED -> name.startsWith(pattern);
            default -> false;
        };
    }

    private static boolean implies(AclOperation granted, AclOperation wanted) {
        if (granted == wanted || granted == AclOperation.ALL) {
            return true;
        }
        if (wanted == AclOperation.DESCRIBE) {
            return Set.of(AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER).contains(granted);
        }
        return wanted == AclOperation.DESCRIBE_CONFIGS && granted == AclOperation.ALTER_CONFIGS;
    }

    private static List<String> allowed(ResourceType type, String name, AclOperation operation) {
        return EVERYONE.stream().filter(principal -> allows(principal, type, name, operation)).toList();
    }

    private static Set<String> topicsWhere(String principal, AclOperation operation) {
        return Topics.all(AGENTS).stream().map(Topic::name)
                .filter(topic -> allows(principal, ResourceType.TOPIC, topic, operation))
                .collect(Collectors.toSet());
    }
}
