package dev.switchboard.gateway;

import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.gateway.config.GatewayConfig;

/** The configured tenants and the digests of their API keys. */
@ApplicationScoped
public class TenantKeys {

    private final Map<String, byte[]> digests;

    TenantKeys(GatewayConfig config) {
        this.digests = config.tenants().entrySet().stream().collect(Collectors.toUnmodifiableMap(
                Map.Entry::getKey, entry -> ApiKeys.parseDigest(entry.getValue().apiKeySha256())));
    }

    /** Whether the tenant exists and the key is its API key. */
    public boolean accepts(String tenant, String apiKey) {
        return ApiKeys.matches(apiKey, tenant == null ? null : digests.get(tenant));
    }
}
