package dev.switchboard.gateway.config;

import java.time.Duration;
import java.util.Map;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Tenants allowed to use the web chat API, and the limits of a request. */
@ConfigMapping(prefix = "switchboard.gateway")
public interface GatewayConfig {

    /**
     * Tenants by id. Only the SHA-256 digest of each API key is configured, so the properties (and anyone
     * who reads them) never hold a usable key.
     */
    Map<String, Tenant> tenants();

    /** Longest accepted message text, in characters (Unicode code points). */
    @WithDefault("4000")
    @Min(1)
    int maxTextLength();

    /** Longest a synchronous request ({@code ?wait=<seconds>}) may wait for its reply. */
    @WithDefault("30s")
    Duration maxWait();

    /** How long publishing a turn may take before the request fails with 503. */
    @WithDefault("10s")
    Duration publishTimeout();

    /** One tenant's credentials. */
    interface Tenant {

        /** Hex SHA-256 digest of the tenant's API key ({@code printf %s "$KEY" | sha256sum}). */
        @WithName("api-key-sha256")
        @Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be the 64 hex digits of a SHA-256 digest")
        String apiKeySha256();
    }
}
