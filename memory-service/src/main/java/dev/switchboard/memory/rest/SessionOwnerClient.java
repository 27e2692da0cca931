package dev.switchboard.memory.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The session endpoint of another memory instance, the one that owns the session. */
@Path(SessionResource.PATH)
public interface SessionOwnerClient {

    @GET
    @Path("/{sessionId}")
    @Produces(MediaType.APPLICATION_JSON)
    Response get(@PathParam("sessionId") String sessionId,
            @HeaderParam(SessionResource.FORWARDED_HEADER) String forwardedBy);
}
