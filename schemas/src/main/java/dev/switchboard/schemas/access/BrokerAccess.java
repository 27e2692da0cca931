package dev.switchboard.schemas.access;

import static dev.switchboard.schemas.access.BrokerPrincipal.literal;
import static dev.switchboard.schemas.access.BrokerPrincipal.prefixed;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.ResourceType;

import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;

/**
 * Who may do what on the broker: one {@link BrokerPrincipal} per service and per hosted agent, derived from
 * the topic catalog {@link Topics}, so the ACLs follow the catalog instead of being written by hand. The
 * broker runs {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false} and
 * {@value #ADMIN} as its only super user, which provisions topics, credentials and these ACLs.
 *
 * <p>Topics: the gateway writes {@code turns.raw}, {@code deliveries} and its channel and identity topics;
 * only compliance reads {@code turns.raw} and {@code agent.results.raw} and writes the cleared topics
 * ({@code turns.cleared}, {@code turns.rejected}, {@code agent.results.cleared}); only the supervisor writes
 * the agent task topics ({@code agent.<id>.tasks}), {@code human.queue} and {@code replies.outbound}; each
 * agent reads only its own task topic and writes only {@code agent.results.raw}; memory writes
 * {@code sessions.state}. Every service principal may write {@code deadletters}. The re-drive principal
 * ({@value #REDRIVE}) reads {@code deadletters} and writes dead letters back to the topics they were read from.
 */
public final class BrokerAccess {

    /** The super user: provisioning (topics, credentials, ACLs) and test harnesses only. */
    public static final String ADMIN = "admin";
    public static final String GATEWAY = "gateway";
    public static final String COMPLIANCE = "compliance";
    public static final String SUPERVISOR = "supervisor";
    public static final String MEMORY = "memory";
    /** The agent host itself (its catalog publisher); each hosted agent has its own principal, {@link #agentPrincipal}. */
    public static final String AGENT_SERVICE = "agent-service";

    /** The five services' principals, in start order. */
    public static final List<String> SERVICES = List.of(GATEWAY, COMPLIANCE, SUPERVISOR, MEMORY, AGENT_SERVICE);
    /**
     * Compliance's second principal, used only by its re-drive of dead letters (and only when its password is
     * configured): it writes a dead letter's record back to its source topic. Kept apart from {@link #COMPLIANCE} so
     * that the principal which reads every topic does not also write task topics and replies.
     */
    public static final String REDRIVE = "redrive";

    /** Each hosted agent's principal is this, then the agent id. */
    public static final String AGENT_PRINCIPAL_PREFIX = "agent-";
    /** Consumer groups and transactional ids of agent workers start with this, then the agent id. */
    public static final String AGENT_CLIENT_PREFIX = "switchboard-agent-";
    /** Compliance's policy replays write to {@code replay.<run>.<live topic>}. */
    public static final String REPLAY_TOPIC_PREFIX = "replay.";

    private static final String GATEWAY_STREAMS_APP = "switchboard-gateway-inbound";
    private static final String SUPERVISOR_STREAMS_APP = "switchboard-supervisor";
    private static final String MEMORY_STREAMS_APP = "switchboard-memory";

    private BrokerAccess() {
    }

    /** The principal of a hosted agent, {@code agent-<id>}. */
    public static String agentPrincipal(String agentId) {
        Topics.agentTasks(agentId); // validates the id
        return AGENT_PRINCIPAL_PREFIX + agentId;
    }

    /** The agent id of an agent principal ({@code agent-concierge} to {@code concierge}); empty for the others. */
    public static Optional<String> agentIdOf(String principal) {
        if (principal == null || SERVICES.contains(principal) || !principal.startsWith(AGENT_PRINCIPAL_PREFIX)) {
            return Optional.empty();
        }
        String agentId = principal.substring(AGENT_PRINCIPAL_PREFIX.length());
        try {
            Topics.agentTasks(agentId);
            return Optional.of(agentId);
        } catch (IllegalArgumentException notAnAgentId) {
            return Optional.empty();
        }
    }

    /** Every principal but {@link #ADMIN}: the five services, the re-drive principal, then one per agent. */
    public static List<BrokerPrincipal> principals(Collection<String> agentIds) {
        List<String> agents = List.copyOf(new LinkedHashSet<>(agentIds));
        List<BrokerPrincipal> all = new ArrayList<>(List.of(gateway(), compliance(agents), supervisor(agents),
                memory(), agentService(), redrive(agents)));
        agents.forEach(agent -> all.add(agent(agent)));
        return List.copyOf(all);
    }

    /** The principal with this name, given the hosted agents; empty for {@link #ADMIN} and unknown names. */
    public static Optional<BrokerPrincipal> principal(String name, Collection<String> agentIds) {
        return principals(agentIds).stream().filter(principal -> principal.name().equals(name)).findFirst();
    }

    /**
     * The ACL bindings of every principal, for these hosted agents. Where one agent id extends another
     * ({@code billing} and {@code billing-agent}), the shorter one's transactional-id prefix
     * {@code switchboard-agent-billing-} also covers {@code switchboard-agent-billing-agent-...}: a {@code DENY}
     * binding takes those ids back from it.
     */
    public static List<AclBinding> bindings(Collection<String> agentIds) {
        List<AclBinding> bindings = new ArrayList<>();
        principals(agentIds).forEach(principal -> bindings.addAll(principal.bindings()));
        Set<String> agents = new LinkedHashSet<>(agentIds);
        for (String agent : agents) {
            for (String longer : agents) {
                if (longer.startsWith(agent + "-")) {
                    bindings.add(new AclBinding(
                            prefixed(ResourceType.TRANSACTIONAL_ID, agentTransactionalIdPrefix(longer)),
                            new AccessControlEntry("User:" + agentPrincipal(agent), "*", AclOperation.ALL,
                                    AclPermissionType.DENY)));
                }
            }
        }
        return List.copyOf(bindings);
    }

    /** What the transactional ids of an agent's producers start with: {@code switchboard-agent-<id>-}. */
    public static String agentTransactionalIdPrefix(String agentId) {
        return AGENT_CLIENT_PREFIX + agentId + "-";
    }

    /** The consumer group of an agent's workers: {@code switchboard-agent-<id>}. */
    public static String agentGroup(String agentId) {
        return AGENT_CLIENT_PREFIX + agentId;
    }

    /**
     * The gateway: publishes turns, deliveries, channel messages and where its reply streams are open; reads
     * its partition of the routed replies and follows replies, sent messages, reply streams and identity links; its Kafka Streams application deduplicates inbound channel messages.
     */
    public static BrokerPrincipal gateway() {
        return new BrokerPrincipal(GATEWAY,
                names(Topics.REPLIES_OUTBOUND, Topics.REPLIES_ROUTED, Topics.REPLY_STREAMS, Topics.CHANNELS_INBOUND,
                        Topics.CHANNELS_SENT, Topics.IDENTITY_LINKS, Topics.IDENTITY_LINK_CODES),
                names(Topics.TURNS_RAW, Topics.DELIVERIES, Topics.REPLY_STREAMS, Topics.CHANNELS_INBOUND,
                        Topics.CHANNELS_SENT, Topics.IDENTITY_LINKS, Topics.IDENTITY_LINK_CODES, Topics.DEAD_LETTERS),
                Set.of(prefixed(ResourceType.GROUP, "switchboard-gateway")),
                Set.of(prefixed(ResourceType.TRANSACTIONAL_ID, "switchboard-gateway")),
                Set.of(prefixed(ResourceType.TOPIC, GATEWAY_STREAMS_APP + "-")),
                Set.of());
    }

    /**
     * Compliance: clears raw turns and results, audits decisions, keeps policies, audit anchors and erasures;
     * it reads every catalog topic and every agent task topic to rebuild session timelines, and creates
     * the topics of policy replays.
     */
    public static BrokerPrincipal compliance(Collection<String> agentIds) {
        Set<String> reads = new LinkedHashSet<>();
        Topics.all(agentIds).forEach(topic -> reads.add(topic.name()));
        return new BrokerPrincipal(COMPLIANCE, reads,
                names(Topics.TURNS_CLEARED, Topics.TURNS_REJECTED, Topics.AGENT_RESULTS_CLEARED, Topics.ERASURES,
                        Topics.COMPLIANCE_POLICIES, Topics.AUDIT_ANCHORS, Topics.DEAD_LETTERS),
                Set.of(prefixed(ResourceType.GROUP, "switchboard-compliance")),
                Set.of(prefixed(ResourceType.TRANSACTIONAL_ID, "switchboard-compliance")),
                Set.of(),
                Set.of(prefixed(ResourceType.TOPIC, REPLAY_TOPIC_PREFIX)));
    }

    /**
     * The supervisor (Kafka Streams, exactly-once): routes cleared turns and results to agent task topics,
     * the human queue or replies. Task topics are granted one by one: a prefix {@code agent.} would also
     * cover {@code agent.results.*}.
     */
    public static BrokerPrincipal supervisor(Collection<String> agentIds) {
        Set<String> writes = new LinkedHashSet<>();
        agentIds.forEach(agent -> writes.add(Topics.agentTasks(agent).name()));
        writes.addAll(names(Topics.HUMAN_QUEUE, Topics.REPLIES_OUTBOUND, Topics.REPLIES_ROUTED, Topics.SUPERVISOR_DECISIONS,
                Topics.TENANT_USAGE, Topics.SESSIONS_CONTROL, Topics.SUPERVISOR_POLICIES, Topics.DEAD_LETTERS));
        return streamsApp(SUPERVISOR, SUPERVISOR_STREAMS_APP,
                names(Topics.TURNS_CLEARED, Topics.TURNS_REJECTED, Topics.AGENT_RESULTS_CLEARED, Topics.SESSIONS_STATE,
                        Topics.AGENTS_CATALOG, Topics.SESSIONS_CONTROL, Topics.SUPERVISOR_POLICIES, Topics.TENANT_USAGE),
                writes);
    }

    /**
     * Memory (Kafka Streams): folds cleared turns, results, replies and erasures into {@code sessions.state}, and
     * reads that topic back to rebuild its store when a task starts (the store has no changelog of its own).
     */
    public static BrokerPrincipal memory() {
        return streamsApp(MEMORY, MEMORY_STREAMS_APP,
                names(Topics.TURNS_CLEARED, Topics.AGENT_RESULTS_CLEARED, Topics.REPLIES_OUTBOUND, Topics.ERASURES,
                        Topics.SESSIONS_STATE),
                names(Topics.SESSIONS_STATE, Topics.DEAD_LETTERS));
    }

    /**
     * The agent host: publishes the hosted agents' declarations and dead-letters undecodable tasks; the agents'
     * own clients use {@link #agent}.
     */
    public static BrokerPrincipal agentService() {
        return new BrokerPrincipal(AGENT_SERVICE, Set.of(), names(Topics.AGENTS_CATALOG, Topics.DEAD_LETTERS),
                Set.of(), Set.of(), Set.of(), Set.of());
    }

    /**
     * The re-drive of dead letters ({@value #REDRIVE}): reads {@code deadletters} and writes to the topics a dead
     * letter may be re-driven to ({@link DeadLetters#REDRIVE_TOPICS} and the hosted agents' task topics). No group
     * (it reads by assignment) and no transactional id (its producer is idempotent only).
     */
    public static BrokerPrincipal redrive(Collection<String> agentIds) {
        Set<String> writes = new LinkedHashSet<>();
        DeadLetters.REDRIVE_TOPICS.forEach(topic -> writes.add(topic.name()));
        agentIds.forEach(agent -> writes.add(Topics.agentTasks(agent).name()));
        return new BrokerPrincipal(REDRIVE, names(Topics.DEAD_LETTERS), writes, Set.of(), Set.of(), Set.of(), Set.of());
    }

    /**
     * One hosted agent: reads its own task topic in its own group ({@code switchboard-agent-<id>}), writes
     * results in transactions whose ids start with
     * {@code switchboard-agent-<id>-}. The trailing dash keeps agent {@code bill} off the ids of
     * {@code billing}; for {@code billing} and {@code billing-agent}, see {@link #bindings}.
     */
    public static BrokerPrincipal agent(String agentId) {
        return new BrokerPrincipal(agentPrincipal(agentId),
                Set.of(Topics.agentTasks(agentId).name()),
                names(Topics.AGENT_RESULTS_RAW),
                Set.of(literal(ResourceType.GROUP, agentGroup(agentId))),
                Set.of(prefixed(ResourceType.TRANSACTIONAL_ID, agentTransactionalIdPrefix(agentId))),
                Set.of(), Set.of());
    }

    /**
     * A Kafka Streams application: its group and transactional ids start with the application id, and it
     * owns its internal topics ({@code <application id>-...-changelog}, {@code -repartition}).
     */
    private static BrokerPrincipal streamsApp(String name, String applicationId, Set<String> reads, Set<String> writes) {
        return new BrokerPrincipal(name, reads, writes,
                Set.of(prefixed(ResourceType.GROUP, applicationId)),
                Set.of(prefixed(ResourceType.TRANSACTIONAL_ID, applicationId)),
                Set.of(prefixed(ResourceType.TOPIC, applicationId + "-")),
                Set.of());
    }

    private static Set<String> names(Topic<?, ?>... topics) {
        Set<String> names = new LinkedHashSet<>();
        for (Topic<?, ?> topic : topics) {
            names.add(topic.name());
        }
        return names;
    }
}
