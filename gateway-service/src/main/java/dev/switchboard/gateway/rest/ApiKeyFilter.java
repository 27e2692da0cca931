package dev.switchboard.gateway.rest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import dev.switchboard.gateway.TenantKeys;

/**
 * Refuses a request unless its {@code X-Api-Key} header holds the API key of the tenant in its path.
 * It runs before the body is read, so an unauthenticated caller learns nothing about the body's rules,
 * and nothing of its request is published.
 */
@Provider
@TenantAuthenticated
@Priority(Priorities.AUTHENTICATION)
public class ApiKeyFilter implements ContainerRequestFilter {

    public static final String API_KEY_HEADER = "X-Api-Key";

    private final TenantKeys tenants;

    ApiKeyFilter(TenantKeys tenants) {
        this.tenants = tenants;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        String tenant = request.getUriInfo().getPathParameters().getFirst("tenant");
        if (!tenants.accepts(tenant, request.getHeaderString(API_KEY_HEADER))) {
            // One answer for an unknown tenant and a wrong key: the API does not reveal which tenants exist.
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, "ApiKey header=\"" + API_KEY_HEADER + "\"")
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(new ApiError("unauthorized",
                            "unknown tenant or missing or invalid API key (header " + API_KEY_HEADER + ")"))
                    .build());
        }
    }
}
