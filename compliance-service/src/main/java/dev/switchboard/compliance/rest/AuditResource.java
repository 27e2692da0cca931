package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import dev.switchboard.compliance.audit.AuditEventEntity;
import dev.switchboard.compliance.audit.AuditEventRepository;
import io.smallrye.common.annotation.Blocking;

/** Read access to the audit trail, for operators and compliance officers. */
@Path("/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    /** One audit row as JSON. */
    public record AuditView(long id, String eventId, String eventType, String tenant, String sessionId, String turnId,
            String user, String sourceTopic, int sourcePartition, long sourceOffset, String content, int redactions,
            Instant occurredAt, Instant recordedAt) {

        static AuditView of(AuditEventEntity e) {
            return new AuditView(e.id, e.eventId, e.eventType, e.tenant, e.sessionId, e.turnId, e.principalUser,
                    e.sourceTopic, e.sourcePartition, e.sourceOffset, e.content, e.redactions, e.occurredAt,
                    e.recordedAt);
        }
    }

    private final AuditEventRepository audit;

    AuditResource(AuditEventRepository audit) {
        this.audit = audit;
    }

    /** A session's audit rows, oldest first; an empty list for a session with none. */
    @GET
    @Path("/sessions/{sessionId}")
    @Blocking
    public List<AuditView> session(@PathParam("sessionId") String sessionId) {
        return audit.forSession(sessionId).stream().map(AuditView::of).toList();
    }
}
