package dev.switchboard.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.AuditAnchor;
import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.CompliancePolicy;
import dev.switchboard.events.DeliveryReport;
import dev.switchboard.events.ErasureRequested;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.LinkCode;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.events.TenantUsage;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.schemas.serde.AvroSerde;

/**
 * The topic catalog: the single source of topic names. Every turn-scoped topic is keyed by
 * session id, so one session is processed in order by one instance at a time.
 *
 * <p>Writers (enforced by ACLs in production): the gateway writes {@link #TURNS_RAW},
 * {@link #DELIVERIES} and {@link #REPLY_STREAMS}; compliance writes {@link #TURNS_CLEARED}, {@link #TURNS_REJECTED} and
 * {@link #AGENT_RESULTS_CLEARED}; the supervisor writes task topics, {@link #HUMAN_QUEUE},
 * {@link #REPLIES_OUTBOUND}, {@link #REPLIES_ROUTED}, {@link #SUPERVISOR_DECISIONS} and {@link #TENANT_USAGE}; agents write
 * {@link #AGENT_RESULTS_RAW}; memory writes {@link #SESSIONS_STATE}; compliance writes {@link #ERASURES} and
 * {@link #AUDIT_ANCHORS}; operators write {@link #SUPERVISOR_POLICIES} (through the supervisor),
 * {@link #COMPLIANCE_POLICIES} (through compliance) and {@link #SESSIONS_CONTROL} (through the supervisor).
 */
public final class Topics {

    /** Partitions of every session-keyed topic unless configured otherwise. */
    public static final int DEFAULT_PARTITIONS = 6;

    /**
     * How long the broker keeps topics that hold personal data before compliance has redacted it
     * ({@link #TURNS_RAW}, {@link #AGENT_RESULTS_RAW}, {@link #CHANNELS_INBOUND}): long enough for compliance
     * to catch up after an outage and for a policy replay of the last day, short enough that unredacted text
     * does not pile up on the broker.
     */
    public static final Duration RAW_RETENTION = Duration.ofDays(1);

    /** Partitions of {@link #REPLIES_ROUTED}: the most gateway instances that can take web chat turns at once. */
    public static final int GATEWAY_SLOTS = 16;
    /** How long {@link #REPLY_STREAMS} keeps a lease record: far longer than a lease, which is renewed. */
    public static final Duration REPLY_STREAM_RETENTION = Duration.ofHours(1);

    private static final Pattern AGENT_ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public static final Topic<String, TurnReceived> TURNS_RAW =
            sessionKeyed("turns.raw", TurnReceived.class, Topic.Cleanup.DELETE).withRetention(RAW_RETENTION);
    public static final Topic<String, TurnReceived> TURNS_CLEARED =
            sessionKeyed("turns.cleared", TurnReceived.class, Topic.Cleanup.DELETE);
    public static final Topic<String, TurnRejected> TURNS_REJECTED =
            sessionKeyed("turns.rejected", TurnRejected.class, Topic.Cleanup.DELETE);
    public static final Topic<String, AgentResult> AGENT_RESULTS_RAW =
            sessionKeyed("agent.results.raw", AgentResult.class, Topic.Cleanup.DELETE).withRetention(RAW_RETENTION);
    public static final Topic<String, AgentResult> AGENT_RESULTS_CLEARED =
            sessionKeyed("agent.results.cleared", AgentResult.class, Topic.Cleanup.DELETE);
    public static final Topic<String, ReplyOutbound> REPLIES_OUTBOUND =
            sessionKeyed("replies.outbound", ReplyOutbound.class, Topic.Cleanup.DELETE);
    /**
     * Copies of the replies that web chat clients wait for, one per gateway instance that wants them: partition
     * {@code s} is read by the gateway instance of slot {@code s} alone (envelope {@code replyTo}), so no instance
     * reads the replies of the others. Written by the supervisor in the same transaction as
     * {@link #REPLIES_OUTBOUND}; its partition count is the most gateway instances there can be.
     */
    public static final Topic<String, ReplyOutbound> REPLIES_ROUTED = new Topic<>("replies.routed", Serdes.String(),
            new AvroSerde<>(ReplyOutbound.class), Topic.Cleanup.DELETE, GATEWAY_SLOTS, RAW_RETENTION);
    /**
     * Where reply streams are open: key {@code <session id>/<slot>}, value the time (epoch ms) until which the
     * gateway instance of that slot holds an open stream of the session, renewed while it stays open, a tombstone
     * when it closes. Written and read by the gateway alone; records older than {@link #REPLY_STREAM_RETENTION}
     * are deleted, so the leases of an instance that died go away too.
     */
    public static final Topic<String, Long> REPLY_STREAMS = new Topic<>("reply.streams", Serdes.String(),
            Serdes.Long(), Topic.Cleanup.COMPACT_DELETE, DEFAULT_PARTITIONS, REPLY_STREAM_RETENTION);
    public static final Topic<String, SessionState> SESSIONS_STATE =
            sessionKeyed("sessions.state", SessionState.class, Topic.Cleanup.COMPACT);
    public static final Topic<String, DeliveryReport> DELIVERIES =
            sessionKeyed("deliveries", DeliveryReport.class, Topic.Cleanup.DELETE);

    /** Turns of escalated sessions, waiting for a person: the task an agent would have got, agent {@code human}. */
    public static final Topic<String, AgentTask> HUMAN_QUEUE =
            sessionKeyed("human.queue", AgentTask.class, Topic.Cleanup.DELETE);
    /** Supervisor decisions that are not tasks or replies (refusals, budgets, timeouts, escalations); audited. */
    public static final Topic<String, SupervisorDecision> SUPERVISOR_DECISIONS =
            sessionKeyed("supervisor.decisions", SupervisorDecision.class, Topic.Cleanup.DELETE);
    /** Operator instructions about a session, such as a release from the human queue. */
    public static final Topic<String, SessionControl> SESSIONS_CONTROL =
            sessionKeyed("sessions.control", SessionControl.class, Topic.Cleanup.DELETE);
    /** Routing rules and budgets per tenant, set at run time; key = tenant. */
    public static final Topic<String, SupervisorPolicy> SUPERVISOR_POLICIES = new Topic<>("supervisor.policies",
            Serdes.String(), new AvroSerde<>(SupervisorPolicy.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);
    /** Tokens used per tenant and UTC day; key = {@code tenant/day}. */
    public static final Topic<String, TenantUsage> TENANT_USAGE = new Topic<>("budgets.tenants",
            Serdes.String(), new AvroSerde<>(TenantUsage.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);

    /** What compliance does with each kind of personal data and with injected instructions, per tenant; key = tenant. */
    public static final Topic<String, CompliancePolicy> COMPLIANCE_POLICIES = new Topic<>("compliance.policies",
            Serdes.String(), new AvroSerde<>(CompliancePolicy.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);

    /** Erasure of a user's data, one record per session of the user; services holding session state delete it. */
    public static final Topic<String, ErasureRequested> ERASURES =
            sessionKeyed("erasures", ErasureRequested.class, Topic.Cleanup.DELETE);

    /** Verified messages from messaging platforms, before deduplication; key = {@code <channel>:<platform message id>}. */
    public static final Topic<String, ChannelMessage> CHANNELS_INBOUND = new Topic<>("channels.inbound",
            Serdes.String(), new AvroSerde<>(ChannelMessage.class), Topic.Cleanup.DELETE, DEFAULT_PARTITIONS,
            RAW_RETENTION);
    /**
     * Replies the gateway sent on messaging channels, by the platform's id of the sent message; key =
     * {@code <tenant>/<channel>/<platform message id>}. Every gateway instance reads it, so a status webhook
     * (delivered, read, failed) is reported against its reply whichever instance receives it.
     */
    public static final Topic<String, ReplyOutbound> CHANNELS_SENT = new Topic<>("channels.sent",
            Serdes.String(), new AvroSerde<>(ReplyOutbound.class), Topic.Cleanup.DELETE, DEFAULT_PARTITIONS);
    /** Channel identities linked to principals; key = {@code <tenant>/<channel>/<channelUserId>}. */
    public static final Topic<String, IdentityLink> IDENTITY_LINKS = new Topic<>("identity.links",
            Serdes.String(), new AvroSerde<>(IdentityLink.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);
    /** Outstanding one-time link codes; key = {@code <tenant>/<SHA-256 of the code>}. */
    public static final Topic<String, LinkCode> IDENTITY_LINK_CODES = new Topic<>("identity.link-codes",
            Serdes.String(), new AvroSerde<>(LinkCode.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);

    /**
     * The head of each of a tenant's audit chains (one per source partition), written only by compliance; key =
     * {@code <tenant>/<partition>}. Verification compares each chain in the database with its anchor, so a rewritten
     * tail and head is detected.
     */
    public static final Topic<String, AuditAnchor> AUDIT_ANCHORS = new Topic<>("audit.anchors",
            Serdes.String(), new AvroSerde<>(AuditAnchor.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);

    /** What each agent declares, published by the agent-service instances that host it; key = agent id. */
    public static final Topic<String, AgentDescriptor> AGENTS_CATALOG = new Topic<>("agents.catalog", Serdes.String(),
            new AvroSerde<>(AgentDescriptor.class), Topic.Cleanup.COMPACT, DEFAULT_PARTITIONS);

    /**
     * Records no consumer could process, as they were read, with the reason in headers
     * ({@code dead-letter-reason}, {@code dead-letter-topic}, ...). Written by any service.
     */
    public static final Topic<String, byte[]> DEAD_LETTERS =
            new Topic<>("deadletters", Serdes.String(), Serdes.ByteArray(), Topic.Cleanup.DELETE, DEFAULT_PARTITIONS);

    /** Every fixed topic; agent task topics come from {@link #agentTasks(String)}. */
    public static final List<Topic<String, ?>> FIXED = List.of(
            TURNS_RAW, TURNS_CLEARED, TURNS_REJECTED, AGENT_RESULTS_RAW, AGENT_RESULTS_CLEARED,
            REPLIES_OUTBOUND, REPLIES_ROUTED, REPLY_STREAMS, SESSIONS_STATE, DELIVERIES, AGENTS_CATALOG, DEAD_LETTERS,
            HUMAN_QUEUE, SUPERVISOR_DECISIONS, SESSIONS_CONTROL, SUPERVISOR_POLICIES, TENANT_USAGE, ERASURES,
            COMPLIANCE_POLICIES, CHANNELS_INBOUND, CHANNELS_SENT, IDENTITY_LINKS, IDENTITY_LINK_CODES, AUDIT_ANCHORS);

    private Topics() {
    }

    /**
     * The task topic of one agent, {@code agent.<id>.tasks}.
     *
     * @throws IllegalArgumentException if the id is not kebab-case
     */
    public static Topic<String, AgentTask> agentTasks(String agentId) {
        if (!isAgentId(agentId)) {
            throw new IllegalArgumentException(
                    "agent id must be kebab-case (like billing-agent), got: " + agentId);
        }
        return sessionKeyed("agent." + agentId + ".tasks", AgentTask.class, Topic.Cleanup.DELETE);
    }

    /** Whether {@code agentId} is a kebab-case agent id, the only kind that names a task topic. */
    public static boolean isAgentId(String agentId) {
        return agentId != null && AGENT_ID.matcher(agentId).matches();
    }

    /** The fixed topics plus the task topics of the given agents. */
    public static List<Topic<String, ?>> all(Collection<String> agentIds) {
        List<Topic<String, ?>> all = new ArrayList<>(FIXED);
        agentIds.forEach(id -> all.add(agentTasks(id)));
        return List.copyOf(all);
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> Topic<String, V> sessionKeyed(
            String name, Class<V> type, Topic.Cleanup cleanup) {
        Serde<String> keys = Serdes.String();
        return new Topic<>(name, keys, new AvroSerde<>(type), cleanup, DEFAULT_PARTITIONS);
    }
}
