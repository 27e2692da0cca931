package dev.switchboard.gateway.rest;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestPath;

import dev.switchboard.gateway.inbound.IdentityLinkService;
import dev.switchboard.gateway.limits.IngressLimits;
import dev.switchboard.runtime.problem.ProblemException;
import dev.switchboard.runtime.security.Roles;
import io.smallrye.mutiny.Uni;

/**
 * Identity links of a web chat user: one-time codes that link another channel identity (a WhatsApp number,
 * a Slack user, ...) to the user, the linked identities, and their revocation. The tenant's backend calls these
 * for its users with the API key, a signed-in user with its token for itself only; a tenant operator may list
 * and revoke the links of the tenant's users.
 */
@Path("/v1/tenants/{tenant}/users/{user}")
@Produces(MediaType.APPLICATION_JSON)
public class IdentityLinkResource {

    private final IdentityLinkService links;
    private final IngressLimits limits;
    private final WebChatUsers users;

    IdentityLinkResource(IdentityLinkService links, IngressLimits limits, WebChatUsers users) {
        this.links = links;
        this.limits = limits;
        this.users = users;
    }

    /** 201 with a new code and its expiry; 429 with {@code Retry-After} when the user or tenant asked for too many. */
    @POST
    @Path("/link-codes")
    @RolesAllowed(Roles.USER)
    public Uni<Response> issueCode(@RestPath String tenant, @RestPath String user) {
        users.requireWebChatUser(user);
        users.requireMayActFor(user, false);
        limits.linkCode(tenant);
        return links.issue(tenant, user).map(issued -> Response.status(Response.Status.CREATED)
                .entity(IssuedLinkCode.of(issued.code(), issued.expiresAt())).build());
    }

    /** The channel identities linked to the user (possibly none). */
    @GET
    @Path("/links")
    @RolesAllowed({Roles.USER, Roles.OPERATOR})
    public List<LinkView> list(@RestPath String tenant, @RestPath String user) {
        users.requireMayActFor(user, true);
        return links.links(tenant, user).stream().map(LinkView::of).toList();
    }

    /** 204 once the link's tombstone is on the broker; 404 when the identity is not linked to this user. */
    @DELETE
    @Path("/links/{channel}/{channelUserId}")
    @RolesAllowed({Roles.USER, Roles.OPERATOR})
    public Uni<Response> revoke(@RestPath String tenant, @RestPath String user, @RestPath String channel,
            @RestPath String channelUserId) {
        users.requireMayActFor(user, true);
        return links.revoke(tenant, user, channel, channelUserId).map(revoked -> {
            if (!revoked) {
                throw new ProblemException(Response.Status.NOT_FOUND, "link-not-found",
                        "That identity is not linked to this user");
            }
            return Response.noContent().build();
        });
    }
}
