package dev.switchboard.compliance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.audit.AuditTrail;
import dev.switchboard.compliance.audit.ChainKey;
import dev.switchboard.compliance.audit.PlatformChain;
import dev.switchboard.compliance.policy.CompliancePolicies;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Envelopes;

/**
 * Clears a raw event and records it in the audit trail (appended to the hash chain of its tenant and source
 * partition, content sealed with its user's key), in one database transaction that has committed when a method
 * returns. Publishing is the caller's job, and must happen only after that commit. Supervisor decisions are only
 * recorded: they have no cleared form, and neither have agent results refused for their task ticket.
 */
@ApplicationScoped
public class ComplianceService {

    /** The actor of a turn: the principal's user, whose id is the row's {@code user_id}. */
    public static final String USER_ACTOR = "user";
    /** The actor of a supervisor decision. */
    public static final String SUPERVISOR_ACTOR = "supervisor";
    /** The decision on the row of an agent result refused for its ticket. */
    public static final String REFUSED = "REFUSED";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AuditEventRepository audit;
    private final AuditTrail trail;
    private final CompliancePolicies policies;

    ComplianceService(AuditEventRepository audit, AuditTrail trail, CompliancePolicies policies) {
        this.audit = audit;
        this.trail = trail;
        this.policies = policies;
    }

    /**
     * A cleared event and whether to publish it.
     *
     * @param event   the cleared event
     * @param outcome what the audit trail already knew of it
     */
    public record Clearance<T>(T event, AuditOutcome outcome) {
    }

    /** An event read at a position of its topic. */
    public record Sourced<T>(T event, SourcePosition source) {
    }

    /**
     * An agent result of a batch: to be cleared, or (with a refusal code) refused for its ticket.
     *
     * @param refusal the refusal code, or null when the ticket holds
     * @param ticket  for a refused result, what its valid ticket states, or empty
     */
    public record ResultItem(AgentResult raw, SourcePosition source, String refusal,
            Optional<TaskTickets.Claims> ticket) {
    }

    /** A turn under its tenant's policy: the cleared {@code TurnReceived}, or a {@code TurnRejected} when blocked. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Clearance<SpecificRecord> clearTurn(TurnReceived raw, SourcePosition source) {
        return clearTurns(List.of(new Sourced<>(raw, source))).get(0);
    }

    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public Clearance<AgentResult> clearResult(AgentResult raw, SourcePosition source) {
        return clearResults(List.of(new ResultItem(raw, source, null, Optional.empty()))).get(0);
    }

    /** What a batch's transaction knows: the locked heads of its chains, and where its event ids were read. */
    private record Context(AuditTrail.Batch batch, Map<String, SourcePosition> known) {
    }

    /**
     * Locks the heads of a batch's chains (each event's tenant and source partition) and reads the data keys of the
     * users whose content it seals, then looks its event ids up.
     */
    private Context context(Collection<ChainKey> chains, Collection<AuditTrail.Owner> owners,
            Collection<String> eventIds) {
        AuditTrail.Batch batch = trail.lockHeads(chains, owners);
        return new Context(batch, new HashMap<>(audit.positionsOf(new HashSet<>(eventIds))));
    }

    private static ChainKey chain(Envelope envelope, SourcePosition source) {
        return ChainKey.of(envelope.getTenant(), source);
    }

    private static AuditTrail.Owner owner(Envelope envelope) {
        return new AuditTrail.Owner(envelope.getTenant(), envelope.getPrincipal().getUser());
    }

    /**
     * Clears and audits a batch of turns in one database transaction: the heads of the batch's chains (one per
     * tenant and source partition) are locked once, in (tenant, partition) order (so that two instances never wait
     * for each other in a cycle), then every turn is appended in its order. One commit for the batch instead of one
     * per turn; a batch of one partition never waits for the tenant's other partitions.
     *
     * @return each turn's clearance, in the order given
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Clearance<SpecificRecord>> clearTurns(List<Sourced<TurnReceived>> turns) {
        Context context = context(turns.stream().map(t -> chain(t.event().getEnvelope(), t.source())).toList(),
                turns.stream().map(t -> owner(t.event().getEnvelope())).toList(),
                turns.stream().map(t -> t.event().getEnvelope().getEventId()).toList());
        List<Clearance<SpecificRecord>> cleared = turns.stream().map(t -> turn(context, t.event(), t.source())).toList();
        trail.finish(context.batch());
        return cleared;
    }

    /**
     * Clears, or audits as refused, a batch of agent results in one database transaction, the chain heads locked
     * once as for {@link #clearTurns}. A refused result's clearance has no event.
     *
     * @return each result's clearance, in the order given
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<Clearance<AgentResult>> clearResults(List<ResultItem> results) {
        Context context = context(
                results.stream().map(item -> ChainKey.of(chainTenant(item), item.source())).toList(),
                results.stream().filter(item -> item.refusal() == null).map(item -> owner(item.raw().getEnvelope()))
                        .toList(),
                results.stream().map(ComplianceService::rowEventId).toList());
        List<Clearance<AgentResult>> cleared = results.stream().map(item -> item.refusal() == null
                ? result(context, item.raw(), item.source())
                : new Clearance<AgentResult>(null, refusal(context, item.raw(), item.refusal(), item.ticket(),
                        item.source())))
                .toList();
        trail.finish(context.batch());
        return cleared;
    }

    /** The event id of a result's row: its own, or for a refused result one derived from its position. */
    private static String rowEventId(ResultItem item) {
        return item.refusal() == null ? item.raw().getEnvelope().getEventId()
                : refusedEventId(item.raw(), item.source());
    }

    /**
     * A refused result's row id: derived from the record's position and the event id the result claims, in the
     * {@code refused} namespace. The same record read again finds its row; a forged event id cannot take the
     * place of another event's row (it is never used alone); and a record at a position that an earlier record
     * held (a topic deleted and created again starts its offsets over) gets a row of its own.
     */
    static String refusedEventId(AgentResult raw, SourcePosition source) {
        return Envelopes.derivedId(source.topic() + "-" + source.partition() + "@" + source.offset() + "/"
                + raw.getEnvelope().getEventId(), "refused");
    }

    /**
     * The tenant of the chain a result's row goes to: the ticket's tenant, or the platform chain for an invalid
     * ticket; in either, the chain of the partition the record was read from.
     */
    private static String chainTenant(ResultItem item) {
        if (item.refusal() == null) {
            return item.raw().getEnvelope().getTenant();
        }
        return item.ticket().map(TaskTickets.Claims::tenant).orElse(PlatformChain.TENANT);
    }

    private Clearance<SpecificRecord> turn(Context context, TurnReceived raw, SourcePosition source) {
        Cleared<SpecificRecord> cleared = EventRedactor.clear(raw, policies.forEvent(raw.getEnvelope().getTenant()));
        AuditOutcome outcome = record(context, EventType.TURN_RECEIVED, USER_ACTOR, raw.getEnvelope(), cleared,
                source);
        return new Clearance<>(cleared.event(), outcome);
    }

    private Clearance<AgentResult> result(Context context, AgentResult raw, SourcePosition source) {
        Cleared<AgentResult> cleared = EventRedactor.clear(raw, policies.forEvent(raw.getEnvelope().getTenant()));
        AuditOutcome outcome = record(context, EventType.AGENT_RESULT, raw.getAgent(), raw.getEnvelope(), cleared,
                source);
        return new Clearance<>(cleared.event(), outcome);
    }

    /** Records a supervisor decision, with its detail redacted; nothing is published for it. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public AuditOutcome auditDecision(SupervisorDecision decision, SourcePosition source) {
        return auditDecisions(List.of(new Sourced<>(decision, source))).get(0);
    }

    /** Records a batch of supervisor decisions in one database transaction, the heads of its chains locked once. */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public List<AuditOutcome> auditDecisions(List<Sourced<SupervisorDecision>> decisions) {
        Context context = context(decisions.stream().map(d -> chain(d.event().getEnvelope(), d.source())).toList(),
                decisions.stream().map(d -> owner(d.event().getEnvelope())).toList(),
                decisions.stream().map(d -> d.event().getEnvelope().getEventId()).toList());
        List<AuditOutcome> outcomes = decisions.stream().map(d -> decision(context, d.event(), d.source())).toList();
        trail.finish(context.batch());
        return outcomes;
    }

    private AuditOutcome decision(Context context, SupervisorDecision decision, SourcePosition source) {
        EventRedactor.AuditContent content = EventRedactor.auditContent(decision,
                policies.forEvent(decision.getEnvelope().getTenant()));
        AuditEventEntity row = row(EventType.SUPERVISOR_DECISION, SUPERVISOR_ACTOR, decision.getEnvelope(),
                content.redactions(), source);
        row.decision = decision.getKind().name();
        row.decisionCode = decision.getCode();
        row.agent = decision.getAgent();
        row.taskId = decision.getTaskId();
        return record(context, row, content.json(), source, true);
    }

    /**
     * Records an agent result whose ticket does not hold ({@link TaskTickets#refusal}); nothing is published for it,
     * and the row keeps none of what it said. With a valid ticket (a {@code ticket_mismatch}) the row is in the
     * chain of the tenant the ticket names, on the ticket's session, turn, user, agent and task: the task's real
     * audience, never the one the result claims; its content names the fields the result got wrong, not their
     * values, which belong to whomever the result pointed at. Without a valid ticket nothing about the result can
     * be trusted, and the row goes to the {@link PlatformChain platform chain}. The row's event id is derived from
     * the record's position, not from the result's own (chosen by its writer): a redelivered record finds its row,
     * and a forged event id cannot take the place of another event's.
     *
     * @param refusal the refusal code
     * @param ticket  what the valid ticket states, or empty when the ticket is missing or invalid
     */
    @Transactional(Transactional.TxType.REQUIRES_NEW)
    public AuditOutcome refuseResult(AgentResult raw, String refusal, Optional<TaskTickets.Claims> ticket,
            SourcePosition source) {
        ResultItem item = new ResultItem(raw, source, refusal, ticket);
        Context context = context(List.of(ChainKey.of(chainTenant(item), source)), List.of(), List.of(rowEventId(item)));
        AuditOutcome outcome = refusal(context, raw, refusal, ticket, source);
        trail.finish(context.batch());
        return outcome;
    }

    private AuditOutcome refusal(Context context, AgentResult raw, String refusal, Optional<TaskTickets.Claims> ticket,
            SourcePosition source) {
        TaskTickets.Claims claimed = TaskTickets.Claims.of(raw);
        TaskTickets.Claims audience = ticket.orElse(claimed);
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = refusedEventId(raw, source);
        row.eventType = EventType.RESULT_REFUSED;
        row.tenant = ticket.isPresent() ? audience.tenant() : PlatformChain.TENANT;
        row.sessionId = audience.sessionId();
        row.turnId = audience.turnId();
        row.userId = ticket.isPresent() ? audience.user() : null;
        row.actor = audience.agent();
        row.agent = audience.agent();
        row.taskId = audience.taskId();
        row.decision = REFUSED;
        row.decisionCode = refusal;
        row.sourceTopic = source.topic();
        row.sourcePartition = source.partition();
        row.sourceOffset = source.offset();
        row.occurredAt = Instant.now();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("refusal", refusal);
        content.put("outcome", raw.getOutcome().name());
        if (ticket.isPresent()) {
            content.put("mismatched", mismatched(ticket.get(), claimed));
        } else {
            // Platform admins only: what the result claimed, to find where it came from. Ids, no content.
            content.put("claimedTenant", claimed.tenant());
            content.put("claimedEventId", raw.getEnvelope().getEventId());
            content.put("deadLettered", true);
        }
        return record(context, row, toJson(content), source, false);
    }

    /** The names of the fields in which a result differs from its ticket. */
    static List<String> mismatched(TaskTickets.Claims ticket, TaskTickets.Claims result) {
        List<String> fields = new ArrayList<>();
        addIfDifferent(fields, "tenant", ticket.tenant(), result.tenant());
        addIfDifferent(fields, "sessionId", ticket.sessionId(), result.sessionId());
        addIfDifferent(fields, "turnId", ticket.turnId(), result.turnId());
        addIfDifferent(fields, "user", ticket.user(), result.user());
        addIfDifferent(fields, "channel", ticket.channel(), result.channel());
        addIfDifferent(fields, "agent", ticket.agent(), result.agent());
        addIfDifferent(fields, "taskId", ticket.taskId(), result.taskId());
        return fields;
    }

    private static void addIfDifferent(List<String> fields, String name, String ticket, String result) {
        if (!ticket.equals(result)) {
            fields.add(name);
        }
    }

    private AuditOutcome record(Context context, EventType type, String actor, Envelope raw, Cleared<?> content,
            SourcePosition source) {
        AuditEventEntity row = row(type, actor, raw, content.redactions(), source);
        row.clearedEventId = Envelopes.derivedId(raw.getEventId(), EventRedactor.STEP);
        row.decision = content.decision();
        return record(context, row, content.content(), source, true);
    }

    private static AuditEventEntity row(EventType type, String actor, Envelope raw, int redactions,
            SourcePosition source) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = raw.getEventId();
        row.eventType = type;
        row.tenant = raw.getTenant();
        row.sessionId = raw.getSessionId();
        row.turnId = raw.getTurnId();
        row.userId = raw.getPrincipal().getUser();
        row.actor = actor;
        row.sourceTopic = source.topic();
        row.sourcePartition = source.partition();
        row.sourceOffset = source.offset();
        row.redactions = redactions;
        row.occurredAt = raw.getOccurredAt();
        return row;
    }

    /** @param sealed whether the content is the user's (sealed with their key) or nothing personal (kept plain) */
    private AuditOutcome record(Context context, AuditEventEntity row, String content, SourcePosition source,
            boolean sealed) {
        // The event ids were looked up once for the batch (after its heads were locked) and every append of the
        // batch is added to what is known. Should another chain's transaction audit the same event id meanwhile,
        // the batch's insert finds its row and the whole batch is rolled back and done again (ConcurrentAuditException).
        SourcePosition earlier = context.known().get(row.eventId);
        if (earlier == null) {
            if (sealed) {
                trail.appendSealed(context.batch(), row, content);
            } else {
                trail.appendPlain(context.batch(), row, content);
            }
            context.known().put(row.eventId, source);
            return AuditOutcome.RECORDED;
        }
        return earlier.equals(source) ? AuditOutcome.REDELIVERED : AuditOutcome.DUPLICATE;
    }

    private static String toJson(Map<String, Object> content) {
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render audit content", e);
        }
    }
}
