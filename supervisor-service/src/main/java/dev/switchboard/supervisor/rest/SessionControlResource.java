package dev.switchboard.supervisor.rest;

import java.time.Instant;
import java.util.Optional;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;

import dev.switchboard.events.ControlAction;
import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;
import dev.switchboard.supervisor.messaging.ControlPublisher;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * A session's escalation: whether it is with a person (GET, for the tenant's operators and auditors), and its
 * release back to the agents (POST, operators only; published to {@code sessions.control}). Both are answered by
 * the instance that owns the session (others redirect there with 307, which keeps the method and body), and only
 * for the session's own tenant: the escalation the supervisor recorded must name the path's tenant, else 404, as
 * for a session that is not escalated. The release records the verified caller as its actor.
 */
@Path("/v1/tenants/{tenant}/sessions/{sessionId}/escalation")
@Produces(MediaType.APPLICATION_JSON)
public class SessionControlResource {

    /** Why the session is released (optional). */
    public record Release(String note) {
    }

    /** Since when and by which agent a session is with a person. */
    public record Escalation(String sessionId, String tenant, String escalatedBy, Instant since) {
    }

    private static final String ROUTE = "/v1/tenants/{tenant}/sessions/{sessionId}/escalation";

    private final SupervisorQueries queries;
    private final ControlPublisher publisher;
    private final Caller caller;

    SessionControlResource(SupervisorQueries queries, ControlPublisher publisher, Caller caller) {
        this.queries = queries;
        this.publisher = publisher;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    public Response get(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId) {
        Optional<HostInfo> owner = queries.ownerOf(sessionId);
        if (owner.isPresent()) {
            return Response.temporaryRedirect(BudgetResource.ownerUri(owner.get(), ROUTE, tenant, sessionId)).build();
        }
        SupervisorDecision decision = escalationOf(tenant, sessionId);
        return Response.ok(new Escalation(sessionId, tenant, decision.getAgent(),
                decision.getEnvelope().getOccurredAt())).build();
    }

    @POST
    @Path("/release")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response release(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId,
            Release body) {
        Optional<HostInfo> owner = queries.ownerOf(sessionId);
        if (owner.isPresent()) {
            return Response.temporaryRedirect(BudgetResource.ownerUri(owner.get(), ROUTE + "/release", tenant,
                    sessionId)).build();
        }
        escalationOf(tenant, sessionId);
        publisher.control(SessionControl.newBuilder().setTenant(tenant).setSessionId(sessionId)
                .setAction(ControlAction.RELEASE).setActor(caller.actor())
                .setNote(body == null ? null : body.note())
                .setAt(Instant.now()).build());
        return Response.accepted().build();
    }

    /** The session's escalation, if the session is with a person and is the tenant's; else 404. */
    private SupervisorDecision escalationOf(String tenant, String sessionId) {
        return queries.escalation(sessionId)
                .filter(decision -> tenant.equals(decision.getEnvelope().getTenant()))
                .orElseThrow(ProblemException::notFound);
    }
}
