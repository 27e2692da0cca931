package dev.switchboard.memory.rest;

import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.apache.kafka.streams.state.HostInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.switchboard.memory.streams.InteractiveQueries;
import dev.switchboard.memory.streams.StoreNotReadyException;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;

/**
 * Reads a tenant's session memory by id from whichever instance owns it: from the local store of the Kafka
 * Streams topology when this instance owns the session's partition, otherwise from the owner over HTTP.
 *
 * <p>Operators and auditors of the tenant may read; platform admins may not, since this is conversation content.
 * A session answers 404 unless the state records the path's tenant, exactly as one that does not exist, so a
 * session id of another tenant reveals nothing. The owner is called with the caller's own bearer token and checks
 * it and the tenant again: forwarding grants nothing the caller does not hold.
 */
@Path(SessionResource.PATH)
@Produces(MediaType.APPLICATION_JSON)
public class SessionResource {

    static final String PATH = "/v1/tenants/{tenant}/sessions";

    /** Set on a forwarded request (to the forwarding instance's host:port): the receiver must answer itself. */
    static final String FORWARDED_HEADER = "X-Switchboard-Forwarded-By";

    /** Seconds a client should wait before retrying a 503. */
    private static final String RETRY_AFTER_SECONDS = "1";

    private static final Logger LOG = Logger.getLogger(SessionResource.class);

    private final InteractiveQueries queries;
    private final SessionForwarder forwarder;
    private final Caller caller;

    SessionResource(InteractiveQueries queries, SessionForwarder forwarder, Caller caller) {
        this.queries = queries;
        this.forwarder = forwarder;
        this.caller = caller;
    }

    @GET
    @Path("/{sessionId}")
    @RolesAllowed({Roles.OPERATOR, Roles.AUDITOR})
    public Response get(@PathParam("tenant") String tenant, @PathParam("sessionId") String sessionId,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
            @HeaderParam(FORWARDED_HEADER) String forwardedBy) {
        // TenantAccessFilter already refused other tenants; checked here again so this route never depends on it alone
        if (!tenant.equals(caller.tenant())) {
            throw ProblemException.notFound();
        }
        HostInfo owner = queries.ownerOf(sessionId);
        if (!queries.isLocal(owner)) {
            if (forwardedBy != null) {
                // the instances disagree on the owner: partitions are moving, so bounce back instead of looping
                throw new StoreNotReadyException("session " + sessionId + " is moving between instances");
            }
            return forwarder.forward(owner, tenant, sessionId, authorization, queries.self());
        }
        return queries.findLocal(sessionId)
                .filter(state -> tenant.equals(state.getTenant()))
                .map(state -> Response.ok(SessionView.of(state)).build())
                .orElseThrow(ProblemException::notFound);
    }

    @ServerExceptionMapper
    Response notReady(StoreNotReadyException e) {
        // the reason may name instances and their addresses: it goes to the log, not to the caller
        LOG.infof("Session query answered 503: %s", e.getMessage());
        return new ProblemException(Response.Status.SERVICE_UNAVAILABLE, "session-store-not-ready",
                "Session state is not available yet (starting or rebalancing); retry shortly",
                Map.of("Retry-After", RETRY_AFTER_SECONDS)).toResponse();
    }
}
