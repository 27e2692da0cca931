package dev.switchboard.gateway.security;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpCredentialTransport;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;

/**
 * Authenticates a tenant's backend by its API key in the {@code X-Api-Key} header, next to the bearer tokens of
 * the runtime's JWT mechanism. It ranks below that mechanism: a request with a bearer token is authenticated by
 * the token (and refused if the token is bad), one with only an API key by the key, one with neither is
 * anonymous and refused by the route's {@code @RolesAllowed}.
 */
@ApplicationScoped
public class ApiKeyAuthenticationMechanism implements HttpAuthenticationMechanism {

    public static final String HEADER = "X-Api-Key";

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identities) {
        String key = context.request().getHeader(HEADER);
        if (key == null) {
            return Uni.createFrom().nullItem();
        }
        return identities.authenticate(new ApiKeyAuthenticationRequest(key));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "ApiKey header=\"" + HEADER + "\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(ApiKeyAuthenticationRequest.class);
    }

    @Override
    public Uni<HttpCredentialTransport> getCredentialTransport(RoutingContext context) {
        return Uni.createFrom().item(new HttpCredentialTransport(HttpCredentialTransport.Type.OTHER_HEADER, HEADER));
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY - 100;
    }
}
