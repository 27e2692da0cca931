package dev.switchboard.gateway.security;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A tenant API key presented in the {@code X-Api-Key} header, to be checked by {@link ApiKeyIdentityProvider}. */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }
}
