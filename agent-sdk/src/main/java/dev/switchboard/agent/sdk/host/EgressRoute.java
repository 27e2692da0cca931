package dev.switchboard.agent.sdk.host;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * Where an agent's declared egress goes: a base URL and the headers (credentials) the runtime adds to each
 * request. Configured by the operator; the agent's code never sees the headers.
 */
public record EgressRoute(URI baseUrl, Map<String, String> headers) {

    public EgressRoute {
        Objects.requireNonNull(baseUrl, "baseUrl");
        if (!"http".equals(baseUrl.getScheme()) && !"https".equals(baseUrl.getScheme()) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("An egress base URL must be an http or https URL with a host: " + baseUrl);
        }
        String path = baseUrl.getPath() == null || baseUrl.getPath().isEmpty() ? "/" : baseUrl.getPath();
        baseUrl = URI.create(baseUrl.getScheme() + "://" + baseUrl.getRawAuthority()
                + (path.endsWith("/") ? path : path + "/"));
        headers = Map.copyOf(headers);
    }
}
