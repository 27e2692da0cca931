package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.audit.AuditContents;
import dev.switchboard.compliance.audit.AuditVerificationService;
import dev.switchboard.compliance.audit.VerificationReport;
import dev.switchboard.compliance.replay.PolicyReplay;
import dev.switchboard.compliance.replay.SessionTimeline;
import dev.switchboard.compliance.replay.TimelineEntry;

/** The audit trail for operators and auditors. Runs on a worker thread (blocking signatures). */
@Path("/v1/audit")
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
    private final OperatorKey operatorKey;

    AuditResource(AuditEventRepository audit, AuditContents contents, AuditVerificationService verification,
            SessionTimeline timeline, PolicyReplay replay, OperatorKey operatorKey) {
        this.audit = audit;
        this.contents = contents;
        this.verification = verification;
        this.timeline = timeline;
        this.replay = replay;
        this.operatorKey = operatorKey;
    }

    /** The session's audit rows, oldest first; an empty list for a session never seen. */
    @GET
    @Path("/sessions/{sessionId}")
    public List<AuditEventView> session(@PathParam("sessionId") String sessionId) {
        AuditContents.Reader reader = contents.reader();
        return audit.listBySession(sessionId).stream().map(row -> AuditEventView.of(row, reader.read(row))).toList();
    }

    /**
     * The session's full timeline, reconstructed from the topics: every event of every topic, in order, with
     * compliance's decision where the audit trail has one; {@code from} and {@code to} (ISO instants) bound it.
     * Served as a JSON document to keep ({@code Content-Disposition: attachment}).
     */
    @GET
    @Path("/sessions/{sessionId}/timeline")
    public Response timeline(@PathParam("sessionId") String sessionId, @QueryParam("from") String from,
            @QueryParam("to") String to) {
        Instant start;
        Instant end;
        try {
            start = from == null ? null : Instant.parse(from);
            end = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            return OperatorKey.error(Response.Status.BAD_REQUEST, "invalid-request",
                    "from and to must be ISO instants like 2026-03-02T10:00:00Z");
        }
        List<TimelineEntry> entries = SessionTimeline.withDecisions(timeline.of(sessionId, start, end),
                audit.listBySession(sessionId));
        return Response.ok(new Timeline(sessionId, start, end, entries.size(), entries))
                .header("Content-Disposition", "attachment; filename=\"session-" + sessionId + "-timeline.json\"")
                .build();
    }

    /**
     * Re-runs compliance over the session's recorded raw events under today's policy, into topics of a run of
     * its own ({@code replay.<run>.*}); live topics and the audit trail are never written. Needs the operator key.
     */
    @POST
    @Path("/sessions/{sessionId}/replay")
    public Response replay(@PathParam("sessionId") String sessionId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        Response refused = operatorKey.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        return Response.ok(replay.replay(sessionId)).build();
    }

    /**
     * Walks the tenant's hash chain and reports the first broken link; 200 with {@code valid: false} when it is
     * broken (the request succeeded, the chain did not). A tenant with no rows has a valid, empty chain.
     */
    @GET
    @Path("/tenants/{tenant}/verify")
    public VerificationReport verify(@PathParam("tenant") String tenant) {
        return verification.verify(tenant);
    }
}
