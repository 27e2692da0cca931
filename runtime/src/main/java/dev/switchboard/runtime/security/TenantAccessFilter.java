package dev.switchboard.runtime.security;

import jakarta.annotation.security.PermitAll;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.SimpleResourceInfo;

import dev.switchboard.runtime.problem.Problems;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;

/**
 * Every route with a {@code {tenant}} path parameter belongs to that tenant: the caller must be authenticated and
 * its tenant (from the verified token or API key) must be the one in the path. Another tenant's resource answers
 * 404, exactly as one that does not exist, so a caller learns nothing about other tenants. A platform admin passes
 * this check; whether a route lets an admin in at all is the route's own {@code @RolesAllowed}.
 *
 * <p>Routes marked {@code @PermitAll} authenticate callers their own way (channel webhooks verify the platform's
 * signature) and are left alone.
 */
public class TenantAccessFilter {

    @Inject
    CurrentIdentityAssociation identities;

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Response> requireOwnTenant(ContainerRequestContext request, SimpleResourceInfo route) {
        String tenant = request.getUriInfo().getPathParameters().getFirst("tenant");
        if (tenant == null || permitsAll(route)) {
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

    private static boolean permitsAll(SimpleResourceInfo route) {
        if (route == null || route.getResourceClass() == null) {
            return false;
        }
        try {
            return route.getResourceClass().getMethod(route.getMethodName(), route.parameterTypes())
                    .isAnnotationPresent(PermitAll.class) || route.getResourceClass().isAnnotationPresent(PermitAll.class);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }
}
