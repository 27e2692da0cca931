package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.audit.AuditContents;
import dev.switchboard.compliance.audit.AuditVerificationService;
import dev.switchboard.compliance.audit.VerificationReport;
import dev.switchboard.compliance.replay.PolicyReplay;
import dev.switchboard.compliance.replay.SessionTimeline;
import dev.switchboard.compliance.replay.TimelineEntry;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;

/**
 * A tenant's audit trail, for its auditors and operators. Every route belongs to the path's tenant (the runtime's
 * {@code TenantAccessFilter} answers 404 to a caller of another tenant); a session is the tenant's only when the
 * tenant's chains have rows of it, so another tenant's session, or one never seen, is a 404 as well, and nothing
 * here ever returns a row of another tenant. Runs on a worker thread (blocking signatures).
 */
@Path("/v1/tenants/{tenant}/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    /** A session's timeline export. */
    public record Timeline(String sessionId, Instant from, Instant to, int events, List<TimelineEntry> timeline) {
    }

    private final AuditEventRepository audit;
    private final AuditContents contents;
    private final AuditVerificationService verification;
    private final SessionTimeline timeline;
    private final PolicyReplay replay;
    private final Caller caller;

    AuditResource(AuditEventRepository audit, AuditContents contents, AuditVerificationService verification,
            SessionTimeline timeline, PolicyReplay replay, Caller caller) {
        this.audit = audit;
        this.contents = contents;
        this.verification = verification;
        this.timeline = timeline;
        this.replay = replay;
        this.caller = caller;
    }

    /** The session's audit rows of the tenant, oldest first. */
    @GET
    @Path("/sessions/{sessionId}")
    @RolesAllowed({Roles.AUDITOR, Roles.OPERATOR})
    public List<AuditEventView> session(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId) {
        List<AuditEventEntity> rows = rowsOf(tenant, sessionId);
        AuditContents.Reader reader = contents.reader();
        return rows.stream().map(row -> AuditEventView.of(row, reader.read(row))).toList();
    }

    /**
     * The session's full timeline, reconstructed from the topics: every event of the tenant's on every topic, in
     * order, with compliance's decision where the audit trail has one; {@code from} and {@code to} (ISO instants)
     * bound it. Served as a JSON document to keep ({@code Content-Disposition: attachment}).
     */
    @GET
    @Path("/sessions/{sessionId}/timeline")
    @RolesAllowed({Roles.AUDITOR, Roles.OPERATOR})
    public Response timeline(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId,
            @QueryParam("from") String from, @QueryParam("to") String to) {
        Instant start;
        Instant end;
        try {
            start = from == null ? null : Instant.parse(from);
            end = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("invalid-request", "from and to must be ISO instants like 2026-03-02T10:00:00Z");
        }
        List<AuditEventEntity> rows = rowsOf(tenant, sessionId);
        List<TimelineEntry> entries = SessionTimeline.withDecisions(timeline.of(tenant, sessionId, start, end), rows);
        return Response.ok(new Timeline(sessionId, start, end, entries.size(), entries))
                .header("Content-Disposition", "attachment; filename=\"session-" + sessionId + "-timeline.json\"")
                .build();
    }

    /**
     * Re-runs compliance over the session's recorded raw events under today's policy, into topics of a run of
     * its own ({@code replay.<run>.*}); live topics are never written, and the replay is audited as one row of the
     * tenant's requests chain with the operator as its actor.
     */
    @POST
    @Path("/sessions/{sessionId}/replay")
    @RolesAllowed(Roles.OPERATOR)
    public PolicyReplay.Run replay(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId) {
        rowsOf(tenant, sessionId);
        return replay.replay(tenant, sessionId, caller.actor());
    }

    /**
     * Verifies every hash chain of the tenant (one per source partition) in the database and against its anchor, and
     * reports each chain with its first broken link; 200 with {@code valid: false} when one is broken (the request
     * succeeded, the chain did not). A tenant with no rows has no chains and is valid. Admins may verify any
     * tenant's chains, the platform chain included: the report holds no content.
     */
    @GET
    @Path("/verify")
    @RolesAllowed({Roles.AUDITOR, Roles.OPERATOR, Roles.ADMIN})
    public VerificationReport verify(@PathParam("tenant") String tenant) {
        Tenants.requireServed(tenant, caller);
        return verification.verify(tenant);
    }

    /** The tenant's rows of the session; 404 when it has none (another tenant's session, or an unknown one). */
    private List<AuditEventEntity> rowsOf(String tenant, String sessionId) {
        Tenants.requireServed(tenant, caller);
        List<AuditEventEntity> rows = audit.listBySession(tenant, sessionId);
        if (rows.isEmpty()) {
            throw ProblemException.notFound();
        }
        return rows;
    }
}
