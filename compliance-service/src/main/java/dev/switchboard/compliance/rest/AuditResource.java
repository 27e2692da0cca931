package dev.switchboard.compliance.rest;

import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.compliance.AuditEventRepository;

/** Read access to the audit trail for operators. Runs on a worker thread (blocking signature). */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    private final AuditEventRepository audit;

    AuditResource(AuditEventRepository audit) {
        this.audit = audit;
    }

    /** The session's audit rows, oldest first; an empty list for a session never seen. */
    @GET
    @Path("/sessions/{sessionId}")
    public List<AuditEventView> session(@PathParam("sessionId") String sessionId) {
        return audit.listBySession(sessionId).stream().map(AuditEventView::of).toList();
    }
}
