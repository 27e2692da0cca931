package dev.switchboard.gateway.limits;

/**
 * A token bucket: holds at most {@code burst} tokens, refilled at {@code perSecond}; each request takes one.
 * It allows short bursts and caps the sustained rate. Times are in nanoseconds of a monotonic clock, passed in
 * so that tests need not sleep.
 */
final class TokenBucket {

    private static final double NANOS_PER_SECOND = 1e9;

    private final double perSecond;
    private final double burst;
    private double tokens;
    private long updatedAt;

    TokenBucket(double perSecond, int burst, long now) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
        this.tokens = burst;
        this.updatedAt = now;
    }

    /**
     * Takes a token if there is one.
     *
     * @return 0 when taken, else the nanoseconds until a token will be there
     */
    synchronized long tryTake(long now) {
        if (now > updatedAt) {
            tokens = Math.min(burst, tokens + (now - updatedAt) / NANOS_PER_SECOND * perSecond);
            updatedAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond * NANOS_PER_SECOND));
    }
}
