package dev.switchboard.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.runtime.problem.ProblemException;

/**
 * What one tenant may ask of this instance: messages per second (a token bucket, per tenant configurable), link
 * codes per minute (a token bucket, on top of the per-user limits), and open reply streams (a cap). Over a limit
 * the request ends with 429 and {@code Retry-After} before anything is published.
 *
 * <p>The limits are kept in memory, per instance: behind a load balancer that spreads a tenant over n instances
 * the tenant gets up to n times each limit. They protect the broker and the agents from a runaway client, not
 * a contract; budgets per tenant are the supervisor's.
 */
@ApplicationScoped
public class IngressLimits {

    /** How long a client should wait before trying to open a reply stream again, in seconds. */
    static final long STREAM_RETRY_SECONDS = 5;

    private final GatewayConfig config;
    private final LongSupplier clock;
    private final Map<String, TokenBucket> messages = new ConcurrentHashMap<>();
    private final Map<String, TokenBucket> linkCodes = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> streams = new ConcurrentHashMap<>();

    @Inject
    IngressLimits(GatewayConfig config) {
        this(config, System::nanoTime);
    }

    IngressLimits(GatewayConfig config, LongSupplier clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * Counts one message of the tenant.
     *
     * @throws ProblemException 429 when the tenant sends faster than its limit
     */
    public void message(String tenant) {
        take(messages.computeIfAbsent(tenant, this::messageBucket), "messages per second",
                "Too many messages for this tenant; slow down");
    }

    /**
     * Counts one link code issued for a user of the tenant.
     *
     * @throws ProblemException 429 when the tenant asks for codes faster than its limit
     */
    public void linkCode(String tenant) {
        take(linkCodes.computeIfAbsent(tenant, t -> new TokenBucket(config.limits().linkCodesPerMinute() / 60,
                config.limits().linkCodesBurst(), clock.getAsLong())), "link codes per minute",
                "Too many link codes for this tenant; try again later");
    }

    /**
     * Holds one of the tenant's reply streams until the permit is released (exactly once, however often
     * {@link StreamPermit#release()} is called).
     *
     * @throws ProblemException 429 when the tenant holds as many open streams as allowed
     */
    public StreamPermit openStream(String tenant) {
        int cap = config.limits().replyStreamsPerTenant();
        AtomicInteger open = streams.computeIfAbsent(tenant, t -> new AtomicInteger());
        if (open.incrementAndGet() > cap) {
            open.decrementAndGet();
            throw ProblemException.tooManyRequests("This tenant already holds " + cap
                    + " open reply streams on this instance; close one first", STREAM_RETRY_SECONDS);
        }
        return new StreamPermit(open);
    }

    /** Reply streams of the tenant open on this instance. */
    public int openStreams(String tenant) {
        AtomicInteger open = streams.get(tenant);
        return open == null ? 0 : open.get();
    }

    private TokenBucket messageBucket(String tenant) {
        GatewayConfig.Tenant own = config.tenants().get(tenant);
        double perSecond = own != null && own.messagesPerSecond().isPresent() ? own.messagesPerSecond().getAsDouble()
                : config.limits().messagesPerSecond();
        int burst = own != null && own.messagesBurst().isPresent() ? own.messagesBurst().getAsInt()
                : config.limits().messagesBurst();
        return new TokenBucket(perSecond, burst, clock.getAsLong());
    }

    private void take(TokenBucket bucket, String limit, String detail) {
        long waitNanos = bucket.tryTake(clock.getAsLong());
        if (waitNanos > 0) {
            throw ProblemException.tooManyRequests(detail + " (limit: " + limit + ")",
                    (waitNanos + 999_999_999L) / 1_000_000_000L);
        }
    }

    /** One open reply stream of a tenant. */
    public static final class StreamPermit {

        private final AtomicInteger open;
        private final AtomicBoolean released = new AtomicBoolean();

        private StreamPermit(AtomicInteger open) {
            this.open = open;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                open.decrementAndGet();
            }
        }
    }
}
