package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.compliance.audit.ErasureService;
import dev.switchboard.compliance.audit.ErasureService.Erasure;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;

/**
 * Erasure of a user of the path's tenant, by the tenant's operator. Answers 202 once the user's audited content is
 * shredded, the erasure audited (actor: the verified caller), and one {@code ErasureRequested} per session of the
 * user acknowledged by the broker on {@code erasures}; the services holding session state erase it from there.
 */
@Path("/v1/tenants/{tenant}/erasures")
@Produces(MediaType.APPLICATION_JSON)
public class ErasureResource {

    private final ErasureService erasures;
    private final Caller caller;

    ErasureResource(ErasureService erasures, Caller caller) {
        this.erasures = erasures;
        this.caller = caller;
    }

    /**
     * An erasure request.
     *
     * @param user the tenant's user id (the principal's {@code user})
     */
    public record ErasureRequest(String user) {
    }

    /**
     * What was erased.
     *
     * @param erasureEventId the event id of the erasure's audit row
     * @param requestedBy    the operator who asked, as the audit row records it
     * @param sessions       the user's sessions announced on {@code erasures}
     * @param keyDestroyed   false when there was no key (erased before, or no audited events)
     */
    public record ErasureView(String erasureEventId, String tenant, String user, String requestedBy,
            Instant requestedAt, List<String> sessions, boolean keyDestroyed) {

        static ErasureView of(Erasure erasure) {
            return new ErasureView(erasure.eventId(), erasure.tenant(), erasure.user(), erasure.requestedBy(),
                    erasure.requestedAt(), erasure.sessions(), erasure.keyDestroyed());
        }
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.OPERATOR)
    public Response erase(@PathParam("tenant") String tenant, ErasureRequest request) {
        Tenants.requireServed(tenant, caller);
        if (request == null || request.user() == null || request.user().isBlank()) {
            throw ProblemException.badRequest("invalid-request", "user is required");
        }
        try {
            Erasure erasure = erasures.erase(tenant, request.user(), caller.actor());
            return Response.accepted(ErasureView.of(erasure)).build();
        } catch (ErasureService.PublishFailedException e) {
            throw new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "erasures-not-published",
                    e.getMessage() + ": send the same request again");
        }
    }
}
