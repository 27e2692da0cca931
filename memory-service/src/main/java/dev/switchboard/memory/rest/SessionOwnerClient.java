package dev.switchboard.memory.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import dev.switchboard.runtime.problem.Problem;

/**
 * The session endpoint of another memory instance, the one that owns the session. It is called with the original
 * caller's {@code Authorization} header, so the owner authenticates and authorizes the caller itself.
 */
@Path(SessionResource.PATH)
public interface SessionOwnerClient {

    @GET
    @Path("/{sessionId}")
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    Response get(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(SessionResource.FORWARDED_HEADER) String forwardedBy);
}
