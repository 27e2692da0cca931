package dev.switchboard.runtime.security;

import jakarta.enterprise.context.RequestScoped;

import io.quarkus.security.identity.SecurityIdentity;

/**
 * Who is calling, as verified: the tenant and the actor come from the token (or API key), never from the
 * request's body. The actor is what audit rows, policies and erasures record as having acted.
 */
@RequestScoped
public class Caller {

    /** The identity attribute holding the caller's tenant. */
    public static final String TENANT = "switchboard.tenant";
    /** The identity attribute set for callers that hold a tenant API key rather than a personal token. */
    public static final String API_KEY = "switchboard.api-key";

    private final SecurityIdentity identity;

    Caller(SecurityIdentity identity) {
        this.identity = identity;
    }

    /** The caller's tenant, or null for a platform admin. */
    public String tenant() {
        return identity.getAttribute(TENANT);
    }

    /** Who acted, for the audit trail: the token's subject, with its tenant. */
    public String actor() {
        String tenant = tenant();
        String name = identity.getPrincipal().getName();
        return tenant == null ? name : name + "@" + tenant;
    }

    /** The token's subject alone: for an end user's token, the user id. */
    public String name() {
        return identity.getPrincipal().getName();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    /** Whether the caller holds a tenant API key (a backend acting for the tenant's users) instead of a token. */
    public boolean holdsApiKey() {
        return Boolean.TRUE.equals(identity.getAttribute(API_KEY));
    }
}
