package dev.switchboard.gateway.inbound;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * At most {@code maxPerWindow} link codes per user per window, on this instance: a sliding log of the
 * times codes were issued. It is per instance by design; the limit that holds across instances is the cap
 * on unexpired codes, counted from {@code identity.link-codes}.
 */
final class IssueLimiter {

    private final int maxPerWindow;
    private final Duration window;
    private final Map<String, Deque<Instant>> issued = new HashMap<>();

    IssueLimiter(int maxPerWindow, Duration window) {
        this.maxPerWindow = maxPerWindow;
        this.window = window;
    }

    /**
     * Records an issue for the user when the limit allows it.
     *
     * @return empty when allowed, else how long until the next issue is allowed
     */
    synchronized Optional<Duration> tryAcquire(String user, Instant now) {
        Instant windowStart = now.minus(window);
        issued.values().removeIf(times -> {
            while (!times.isEmpty() && !times.peekFirst().isAfter(windowStart)) {
                times.removeFirst();
            }
            return times.isEmpty();
        });
        Deque<Instant> times = issued.computeIfAbsent(user, u -> new ArrayDeque<>());
        if (times.size() >= maxPerWindow) {
            return Optional.of(Duration.between(now, times.peekFirst().plus(window)));
        }
        times.addLast(now);
        return Optional.empty();
    }
}
