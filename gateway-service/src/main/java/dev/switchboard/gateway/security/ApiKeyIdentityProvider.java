package dev.switchboard.gateway.security;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.runtime.security.Caller;
import dev.switchboard.runtime.security.Roles;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Turns a tenant API key into the identity of the tenant's backend: role {@code user} of the key's tenant,
 * marked as holding an API key ({@link Caller#holdsApiKey()}), so that it may act for any of the tenant's users,
 * which the backend vouches for. A key that is no tenant's fails authentication (401), whatever tenant the
 * request names.
 */
@ApplicationScoped
public class ApiKeyIdentityProvider implements IdentityProvider<ApiKeyAuthenticationRequest> {

    /** The principal name of a tenant's backend; audit rows name it as {@code api-key@<tenant>}. */
    public static final String PRINCIPAL = "api-key";

    private final TenantKeys keys;

    ApiKeyIdentityProvider(TenantKeys keys) {
        this.keys = keys;
    }

    @Override
    public Class<ApiKeyAuthenticationRequest> getRequestType() {
        return ApiKeyAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(ApiKeyAuthenticationRequest request, AuthenticationRequestContext context) {
        return keys.tenantOf(request.key())
                .map(tenant -> Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                        .setPrincipal(new QuarkusPrincipal(PRINCIPAL))
                        .addRole(Roles.USER)
                        .addAttribute(Caller.TENANT, tenant)
                        .addAttribute(Caller.API_KEY, Boolean.TRUE)
                        .build()))
                .orElseGet(() -> Uni.createFrom().failure(new AuthenticationFailedException("unknown API key")));
    }
}
