package dev.switchboard.runtime.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;

/**
 * Copies a verified token's tenant claim ({@code switchboard.security.tenant-claim}, default {@code tenant})
 * into the identity, where {@link Caller} and {@link TenantAccessFilter} read it. Any OIDC provider can put
 * such a claim into its access tokens (in Keycloak, a user-attribute mapper).
 */
@ApplicationScoped
public class TenantClaimAugmentor implements SecurityIdentityAugmentor {

    private final String claim;

    TenantClaimAugmentor(@ConfigProperty(name = "switchboard.security.tenant-claim", defaultValue = "tenant") String claim) {
        this.claim = claim;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || identity.getAttribute(Caller.TENANT) != null
                || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        Object value = token.getClaim(claim);
        String tenant = value instanceof JsonString json ? json.getString() : value == null ? null : value.toString();
        if (tenant == null || tenant.isBlank()) {
            return Uni.createFrom().item(identity);
        }
        return Uni.createFrom().item(QuarkusSecurityIdentity.builder(identity).addAttribute(Caller.TENANT, tenant).build());
    }
}
