package dev.switchboard.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class IssueLimiterTest {

    static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

    @Test
    void allowsTheLimitPerWindowAndNamesTheWaitAfterIt() {
        IssueLimiter limiter = new IssueLimiter(3, Duration.ofHours(1));
        assertThat(limiter.tryAcquire("ann", T0)).isEmpty();
        assertThat(limiter.tryAcquire("ann", T0.plusSeconds(60))).isEmpty();
        assertThat(limiter.tryAcquire("ann", T0.plusSeconds(120))).isEmpty();

        assertThat(limiter.tryAcquire("ann", T0.plusSeconds(180))).contains(Duration.ofMinutes(57));
        assertThat(limiter.tryAcquire("bob", T0.plusSeconds(180))).as("another user").isEmpty();
        assertThat(limiter.tryAcquire("ann", T0.plus(Duration.ofHours(1)))).as("the first issue left the window").isEmpty();
        assertThat(limiter.tryAcquire("ann", T0.plus(Duration.ofHours(1)))).isPresent();
    }
}
