package dev.switchboard.memory.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.switchboard.memory.streams.InteractiveQueries;
import dev.switchboard.memory.streams.StoreNotReadyException;

/**
 * Reads a session's memory by id from whichever instance owns it: from the local store of the
 * Kafka Streams topology when this instance owns the session's partition, otherwise from the owner
 * over HTTP.
 */
@Path(SessionResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    static final String PATH = "/v1/sessions";

    /** Set on a forwarded request (to the forwarding instance's host:port): the receiver must answer itself. */
    static final String FORWARDED_HEADER = "X-Switchboard-Forwarded-By";

    /** Seconds a client should wait before retrying a 503. */
    private static final String RETRY_AFTER_SECONDS = "1";

    private final InteractiveQueries queries;
    private final SessionForwarder forwarder;

    SessionResource(InteractiveQueries queries, SessionForwarder forwarder) {
        this.queries = queries;
        this.forwarder = forwarder;
    }

    @GET
    @Path("/{sessionId}")
    public Response get(@PathParam("sessionId") String sessionId,
            @HeaderParam(FORWARDED_HEADER) String forwardedBy) {
        HostInfo owner = queries.ownerOf(sessionId);
        if (!queries.isLocal(owner)) {
            if (forwardedBy != null) {
                // the instances disagree on the owner: partitions are moving, so bounce back instead of looping
                throw new StoreNotReadyException("session " + sessionId + " is moving between instances");
            }
            return forwarder.forward(owner, sessionId, queries.self());
        }
        return queries.findLocal(sessionId)
                .map(state -> Response.ok(SessionView.of(state)).build())
                .orElseGet(() -> Response.status(Response.Status.NOT_FOUND)
                        .entity(new ErrorView("session-not-found", "No session with id " + sessionId))
                        .build());
    }

    @ServerExceptionMapper
    Response notReady(StoreNotReadyException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", RETRY_AFTER_SECONDS)
                .type(MediaType.APPLICATION_JSON)
                .entity(new ErrorView("session-store-not-ready", "Session state is not available yet: " + e.getMessage()))
                .build();
    }
}
