package dev.switchboard.runtime.security;

import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import dev.switchboard.runtime.problem.Problems;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Every route with a {@code {tenant}} path parameter belongs to that tenant: the caller must be authenticated and
 * its tenant (from the verified token or API key) must be the one in the path. Another tenant's resource answers
 * 404, exactly as one that does not exist, so a caller learns nothing about other tenants. A platform admin passes
 * this check; whether a route lets an admin in at all is the route's own {@code @RolesAllowed}.
 */
public class TenantAccessFilter {

    @Inject
    CurrentIdentityAssociation identities;

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> requireOwnTenant(ContainerRequestContext request) {
        String tenant = request.getUriInfo().getPathParameters().getFirst("tenant");
        if (tenant == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.getDeferredIdentity().map(identity -> {
            if (identity.isAnonymous()) {
                throw new UnauthorizedException();
            }
            if (identity.hasRole(Roles.ADMIN) || tenant.equals(identity.getAttribute(Caller.TENANT))) {
                return null;
            }
            return Problems.response(Response.Status.NOT_FOUND, "not-found", "No such resource");
        });
    }
}
