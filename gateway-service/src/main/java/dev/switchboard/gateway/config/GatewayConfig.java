package dev.switchboard.gateway.config;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** Tenants, the secrets that make ids unguessable, the limits of a request and the ingress limits. */
@ConfigMapping(prefix = "switchboard.gateway")
public interface GatewayConfig {

    /**
     * Tenants by id. Only the SHA-256 digest of each API key is configured, so the properties (and anyone
     * who reads them) never hold a usable key. A tenant whose users come only with tokens needs no entry.
     */
    Map<String, Tenant> tenants();

    /**
     * Base64 secret (at least 32 bytes) that session ids are an HMAC under ({@code SessionIds}); the same on
     * every instance, from the environment ({@code SWITCHBOARD_GATEWAY_SESSION_KEY}).
     */
    Optional<String> sessionKey();

    /**
     * Base64 secret (at least 32 bytes) that phone numbers are pseudonymised under ({@code ChannelIdentities});
     * the same on every instance, from the environment ({@code SWITCHBOARD_GATEWAY_PSEUDONYM_KEY}).
     */
    Optional<String> pseudonymKey();

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

    /**
     * This instance's slot: the partition of {@code replies.routed} it reads, named in the turns it takes
     * ({@code replyTo}). Unique per instance (for example a StatefulSet ordinal) and below the topic's partition
     * count ({@code Topics.GATEWAY_SLOTS}); the start fails otherwise. Two instances given the same slot both
     * receive its replies, each delivering to its own clients.
     */
    @WithDefault("0")
    @Min(0)
    int instanceSlot();

    /**
     * How far back an instance reads its partition of {@code replies.routed} when it starts: the replies that came
     * while it was down are kept for messages sent again with the same {@code messageId} (a restart must not leave
     * them waiting for a reply that went by).
     */
    @WithDefault("2m")
    Duration replyLookBack();

    /** How long the lease of an open reply stream on {@code reply.streams} lasts; renewed every third of it. */
    @WithDefault("60s")
    Duration replyStreamLease();

    /** Ingress limits per tenant, kept in memory by each instance. */
    Limits limits();

    /** One tenant's credentials and its own limits. */
    interface Tenant {

        /** Hex SHA-256 digest of the tenant's API key ({@code printf %s "$KEY" | sha256sum}). */
        @WithName("api-key-sha256")
        Optional<@Pattern(regexp = "[0-9a-fA-F]{64}", message = "must be the 64 hex digits of a SHA-256 digest") String> apiKeySha256();

        /** Messages per second this tenant may send, instead of {@link Limits#messagesPerSecond()}. */
        OptionalDouble messagesPerSecond();

        /** Burst of messages this tenant may send at once, instead of {@link Limits#messagesBurst()}. */
        OptionalInt messagesBurst();
    }

    /** Limits that protect the broker and the agents from one tenant; per instance, in memory. */
    interface Limits {

        /** Messages per second a tenant may send (a token bucket refilled at this rate). */
        @WithDefault("20")
        @Positive
        double messagesPerSecond();

        /** Messages a tenant may send at once after a quiet period (the bucket's size). */
        @WithDefault("40")
        @Min(1)
        int messagesBurst();

        /** Link codes per minute a tenant may issue, over all its users. */
        @WithDefault("60")
        @Positive
        double linkCodesPerMinute();

        /** Link codes a tenant may issue at once. */
        @WithDefault("20")
        @Min(1)
        int linkCodesBurst();

        /** Reply streams (Server-Sent Events) a tenant may hold open at once. */
        @WithDefault("100")
        @Min(1)
        int replyStreamsPerTenant();
    }
}
