package dev.switchboard.gateway.rest;

import java.util.List;

import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import dev.switchboard.gateway.InboundMessage;
import dev.switchboard.gateway.inbound.IdentityLinkService;
import dev.switchboard.gateway.inbound.LinkCodeLimitException;
import dev.switchboard.gateway.inbound.LinksUnavailableException;
import io.smallrye.mutiny.Uni;

/**
 * Identity links of a web chat user: one-time codes that link another channel identity (a WhatsApp number,
 * a Slack user, ...) to the user, the linked identities, and their revocation. The tenant's backend calls
 * these for its signed-in users, with the tenant's API key, like the web chat API.
 */
@Path("/v1/tenants/{tenant}/users/{user}")
@TenantAuthenticated
@Produces(MediaType.APPLICATION_JSON)
public class IdentityLinkResource {

    private final IdentityLinkService links;

    IdentityLinkResource(IdentityLinkService links) {
        this.links = links;
    }

    /** 201 with a new code and its expiry; 429 with {@code Retry-After} when the user asked for too many. */
    @POST
    @Path("/link-codes")
    public Uni<Response> issueCode(@RestPath String tenant, @RestPath String user) {
        requireUser(user);
        return links.issue(tenant, user).map(issued -> Response.status(Response.Status.CREATED)
                .entity(IssuedLinkCode.of(issued.code(), issued.expiresAt())).build());
    }

    /** The channel identities linked to the user (possibly none). */
    @GET
    @Path("/links")
    public List<LinkView> list(@RestPath String tenant, @RestPath String user) {
        requireUser(user);
        return links.links(tenant, user).stream().map(LinkView::of).toList();
    }

    /** 204 once the link's tombstone is on the broker; 404 when the identity is not linked to this user. */
    @DELETE
    @Path("/links/{channel}/{channelUserId}")
    public Uni<Response> revoke(@RestPath String tenant, @RestPath String user, @RestPath String channel,
            @RestPath String channelUserId) {
        requireUser(user);
        return links.revoke(tenant, user, channel, channelUserId).map(revoked -> {
            if (!revoked) {
                throw new ApiException(Response.Status.NOT_FOUND, "link_not_found",
                        channel + " identity " + channelUserId + " is not linked to this user");
            }
            return Response.noContent().build();
        });
    }

    @ServerExceptionMapper
    public Response tooMany(LinkCodeLimitException e) {
        return Response.status(Response.Status.TOO_MANY_REQUESTS)
                .header("Retry-After", Math.max(1, e.retryAfter().toSeconds()))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError(e.error(), e.getMessage()))
                .build();
    }

    @ServerExceptionMapper
    public Response unavailable(LinksUnavailableException e) {
        return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header("Retry-After", "5")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ApiError("links_unavailable", e.getMessage()))
                .build();
    }

    private static void requireUser(String user) {
        if (user.isBlank() || user.length() > InboundMessage.MAX_USER_LENGTH
                || user.codePoints().anyMatch(Character::isISOControl)) {
            throw new ApiException(Response.Status.BAD_REQUEST, "invalid_user", "user must be 1 to "
                    + InboundMessage.MAX_USER_LENGTH + " characters without control characters");
        }
    }
}
