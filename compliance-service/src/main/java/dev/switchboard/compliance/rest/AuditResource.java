package dev.switchboard.compliance.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.audit.AuditContents;
import dev.switchboard.compliance.audit.AuditVerificationService;
import dev.switchboard.compliance.audit.VerificationReport;

/** Read access to the audit trail for operators. Runs on a worker thread (blocking signatures). */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditEventRepository audit;
    private final AuditContents contents;
    private final AuditVerificationService verification;

    AuditResource(AuditEventRepository audit, AuditContents contents, AuditVerificationService verification) {
        this.audit = audit;
        this.contents = contents;
        this.verification = verification;
    }

    /** The session's audit rows, oldest first; an empty list for a session never seen. */
    @GET
    @Path("/sessions/{sessionId}")
    public List<AuditEventView> session(@PathParam("sessionId") String sessionId) {
        AuditContents.Reader reader = contents.reader();
        return audit.listBySession(sessionId).stream().map(row -> AuditEventView.of(row, reader.read(row))).toList();
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
