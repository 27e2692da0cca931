package dev.switchboard.memory.streams;

import java.time.Duration;

import dev.switchboard.memory.config.MemoryConfig;

/**
 * What bounds the memory's state: the size of one session's state, and how long an idle session is kept.
 *
 * @param maxStateBytes  the most bytes one state may take on {@code sessions.state}
 * @param idleExpiry     a session idle this long is deleted (tombstoned)
 * @param expiryInterval how often idle sessions are looked for; the width of the activity buckets
 * @param expiryBatch    the most sessions one look deletes
 */
public record SessionLimits(int maxStateBytes, Duration idleExpiry, Duration expiryInterval, int expiryBatch) {

    /** The configuration's defaults. */
    public static final SessionLimits DEFAULTS = new SessionLimits(32768, Duration.ofHours(24), Duration.ofMinutes(1), 1000);

    public SessionLimits {
        if (expiryBatch < 1) {
            throw new IllegalArgumentException("switchboard.memory.session-expiry-batch must be at least 1: " + expiryBatch);
        }
        if (idleExpiry.isNegative() || idleExpiry.isZero() || expiryInterval.isNegative() || expiryInterval.isZero()) {
            throw new IllegalArgumentException("session-idle-expiry and session-expiry-interval must be positive");
        }
    }

    static SessionLimits of(MemoryConfig config) {
        return new SessionLimits(config.maxStateBytes(), config.sessionIdleExpiry(), config.sessionExpiryInterval(),
                config.sessionExpiryBatch());
    }
}
