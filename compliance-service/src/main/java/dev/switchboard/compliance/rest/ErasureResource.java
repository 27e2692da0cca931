package dev.switchboard.compliance.rest;

import java.time.Instant;
import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.compliance.audit.ErasureService;
import dev.switchboard.compliance.audit.ErasureService.Erasure;

/**
 * Erasure of a user's data on request, for operators holding the operator key. Answers 202 once the user's
 * audited content is shredded, the erasure audited, and one {@code ErasureRequested} per session of the user
 * acknowledged by the broker on {@code erasures}; the services holding session state erase it from there.
 */
@Path("/v1/erasures")
@Produces(MediaType.APPLICATION_JSON)
public class ErasureResource {

    private final OperatorKey operatorKey;
    private final ErasureService erasures;

    ErasureResource(OperatorKey operatorKey, ErasureService erasures) {
        this.operatorKey = operatorKey;
        this.erasures = erasures;
    }

    /**
     * An erasure request.
     *
     * @param tenant      the user's tenant
     * @param user        the tenant's user id (the principal's {@code user})
     * @param requestedBy who asks, recorded as the actor of the erasure's audit row
     */
    public record ErasureRequest(String tenant, String user, String requestedBy) {
    }

    /**
     * What was erased.
     *
     * @param erasureEventId the event id of the erasure's audit row
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
    public Response erase(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, ErasureRequest request) {
        Response refusal = operatorKey.refusal(authorization);
        if (refusal != null) {
            return refusal;
        }
        if (request == null || blank(request.tenant()) || blank(request.user()) || blank(request.requestedBy())) {
            return OperatorKey.error(Response.Status.BAD_REQUEST, "invalid-request",
                    "tenant, user and requestedBy are required");
        }
        try {
            Erasure erasure = erasures.erase(request.tenant(), request.user(), request.requestedBy());
            return Response.accepted(ErasureView.of(erasure)).build();
        } catch (ErasureService.PublishFailedException e) {
            return OperatorKey.error(Response.Status.SERVICE_UNAVAILABLE, "erasures-not-published",
                    e.getMessage() + ": send the same request again");
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
