package dev.switchboard.supervisor.rest;

import java.net.URI;
import java.time.Instant;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;

import dev.switchboard.events.ControlAction;
import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.supervisor.messaging.ControlPublisher;
import dev.switchboard.supervisor.streams.SupervisorQueries;

/**
 * A session's escalation: whether it is with a person (GET, from the owning instance; others redirect with
 * 307), and its release back to the agents (POST, published to {@code sessions.control}; needs the
 * operator key).
 */
@Path("/v1/sessions/{sessionId}/escalation")
@Produces(MediaType.APPLICATION_JSON)
public class SessionControlResource {

    /** Who releases the session and why. */
    public record Release(String tenant, String actor, String note) {
    }

    /** Since when and by which agent a session is with a person. */
    public record Escalation(String sessionId, String tenant, String escalatedBy, Instant since) {
    }

    private final SupervisorQueries queries;
    private final ControlPublisher publisher;
    private final OperatorKey operatorKey;

    SessionControlResource(SupervisorQueries queries, ControlPublisher publisher, OperatorKey operatorKey) {
        this.queries = queries;
        this.publisher = publisher;
        this.operatorKey = operatorKey;
    }

    @GET
    public Response get(@PathParam("sessionId") String sessionId) {
        Optional<HostInfo> owner = queries.ownerOf(sessionId);
        if (owner.isPresent()) {
            return Response.temporaryRedirect(URI.create("http://" + owner.get().host() + ":" + owner.get().port()
                    + "/v1/sessions/" + sessionId + "/escalation")).build();
        }
        Optional<SupervisorDecision> escalated = queries.escalation(sessionId);
        if (escalated.isEmpty()) {
            return OperatorKey.error(Response.Status.NOT_FOUND, "not-escalated",
                    "Session " + sessionId + " is not with a person");
        }
        SupervisorDecision decision = escalated.get();
        return Response.ok(new Escalation(sessionId, decision.getEnvelope().getTenant(), decision.getAgent(),
                decision.getEnvelope().getOccurredAt())).build();
    }

    @POST
    @Path("/release")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response release(@PathParam("sessionId") String sessionId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, Release body) {
        Response refused = operatorKey.refusal(authorization);
        if (refused != null) {
            return refused;
        }
        if (body == null || isBlank(body.tenant()) || isBlank(body.actor())) {
            throw new IllegalArgumentException("tenant and actor are required");
        }
        publisher.control(SessionControl.newBuilder().setTenant(body.tenant()).setSessionId(sessionId)
                .setAction(ControlAction.RELEASE).setActor(body.actor()).setNote(body.note())
                .setAt(Instant.now()).build());
        return Response.accepted().build();
    }

    private static boolean isBlank(String text) {
        return text == null || text.isBlank();
    }
}
