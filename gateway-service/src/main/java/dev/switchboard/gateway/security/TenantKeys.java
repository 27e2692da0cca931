package dev.switchboard.gateway.security;

import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.gateway.ApiKeys;
import dev.switchboard.gateway.config.GatewayConfig;

/**
 * The tenants' API keys, as SHA-256 digests only. A presented key is hashed once and compared with every
 * tenant's digest in constant time, without stopping at a match, so neither the answer nor its timing says
 * which tenants exist or how close a guess was.
 */
@ApplicationScoped
public class TenantKeys {

    private record Digest(String tenant, byte[] sha256) {
    }

    private final List<Digest> digests;

    @Inject
    TenantKeys(GatewayConfig config) {
        this(config.tenants().entrySet().stream()
                .filter(entry -> entry.getValue().apiKeySha256().isPresent())
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().apiKeySha256().get())));
    }

    /** @param digests hex SHA-256 digests of the API keys by tenant */
    TenantKeys(Map<String, String> digests) {
        this.digests = digests.entrySet().stream()
                .map(entry -> new Digest(entry.getKey(), ApiKeys.parseDigest(entry.getValue())))
                .toList();
    }

    /** The tenant whose API key this is, if any. */
    public Optional<String> tenantOf(String apiKey) {
        if (apiKey == null || apiKey.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = ApiKeys.sha256(apiKey);
        String match = null;
        for (Digest digest : digests) {
            if (MessageDigest.isEqual(presented, digest.sha256()) && match == null) {
                match = digest.tenant();
            }
        }
        return Optional.ofNullable(match);
    }
}
