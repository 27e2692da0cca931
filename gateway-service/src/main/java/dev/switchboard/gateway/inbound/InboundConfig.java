package dev.switchboard.gateway.inbound;

import java.time.Duration;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How long redeliveries are recognised, and the lifetime and limits of link codes. */
@ConfigMapping(prefix = "switchboard.gateway.inbound")
public interface InboundConfig {

    /**
     * How long a platform message id is remembered. Platforms redeliver within minutes to a day or so
     * (WhatsApp retries for up to 7 days), so a redelivery older than this would open a second turn.
     */
    @WithDefault("7d")
    Duration dedupeRetention();

    /** One-time link codes. */
    LinkCodes linkCodes();

    /** One-time link codes. */
    interface LinkCodes {

        /** How long a code can be redeemed after it was issued. */
        @WithDefault("10m")
        Duration ttl();

        /** Unexpired codes a user may hold at once, counted on every instance from {@code identity.link-codes}. */
        @WithDefault("3")
        @Min(1)
        int maxActivePerUser();

        /** Codes one instance issues to one user per hour (a per-instance limit). */
        @WithDefault("5")
        @Min(1)
        int maxPerHour();

        /** How often expired codes are withdrawn from {@code identity.link-codes} and used ones forgotten. */
        @WithDefault("1m")
        Duration sweepInterval();

        /** How long publishing a code or a revocation may take before the request fails with 503. */
        @WithDefault("10s")
        Duration publishTimeout();
    }
}
