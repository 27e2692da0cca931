package dev.switchboard.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.runtime.problem.ProblemException;

class IngressLimitsTest {

    record Limits(double messagesPerSecond, int messagesBurst, double linkCodesPerMinute, int linkCodesBurst,
            int replyStreamsPerTenant) implements GatewayConfig.Limits {
    }

    record Tenant(Optional<String> apiKeySha256, OptionalDouble messagesPerSecond, OptionalInt messagesBurst)
            implements GatewayConfig.Tenant {
    }

    record Config(Map<String, GatewayConfig.Tenant> tenants, Limits limits) implements GatewayConfig {
        public Optional<String> sessionKey() {
            return Optional.empty();
        }

        public Optional<String> pseudonymKey() {
            return Optional.empty();
        }

        public int maxTextLength() {
            return 4000;
        }

        public Duration maxWait() {
            return Duration.ofSeconds(30);
        }

        public Duration publishTimeout() {
            return Duration.ofSeconds(10);
        }

        public int instanceSlot() {
            return 0;
        }

        public Duration replyStreamLease() {
            return Duration.ofSeconds(60);
        }

        public Duration replyLookBack() {
            return Duration.ofMinutes(2);
        }
    }

    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final IngressLimits limits = new IngressLimits(new Config(
            Map.of("tiny", new Tenant(Optional.empty(), OptionalDouble.of(0.5), OptionalInt.of(1))),
            new Limits(2, 3, 6, 2, 2)), now::get);

    static long retryAfter(ProblemException e) {
        return Long.parseLong(e.headers().get("Retry-After"));
    }

    void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    @Test
    void messagesAllowABurstThenTheRate() {
        for (int i = 0; i < 3; i++) {
            limits.message("acme");
        }
        assertThatThrownBy(() -> limits.message("acme")).isInstanceOfSatisfying(ProblemException.class, e -> {
            assertThat(e.status().getStatusCode()).isEqualTo(429);
            assertThat(e.code()).isEqualTo("rate-limited");
            assertThat(retryAfter(e)).isEqualTo(1);
        });
        limits.message("globex");
        advance(Duration.ofMillis(500));
        limits.message("acme");
        assertThatThrownBy(() -> limits.message("acme")).isInstanceOf(ProblemException.class);
    }

    @Test
    void aTenantMayHaveItsOwnMessageLimit() {
        limits.message("tiny");
        assertThatThrownBy(() -> limits.message("tiny")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(retryAfter(e)).isEqualTo(2));
        advance(Duration.ofMillis(1999));
        assertThatThrownBy(() -> limits.message("tiny")).isInstanceOf(ProblemException.class);
        advance(Duration.ofMillis(2));
        limits.message("tiny");
    }

    @Test
    void linkCodesAreLimitedPerTenant() {
        limits.linkCode("acme");
        limits.linkCode("acme");
        assertThatThrownBy(() -> limits.linkCode("acme")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(retryAfter(e)).isEqualTo(10));
        limits.linkCode("globex");
        advance(Duration.ofSeconds(11));
        limits.linkCode("acme");
    }

    @Test
    void replyStreamsAreCappedAndEachPermitIsReleasedOnce() {
        IngressLimits.StreamPermit first = limits.openStream("acme");
        limits.openStream("acme");
        assertThatThrownBy(() -> limits.openStream("acme")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(retryAfter(e)).isEqualTo(IngressLimits.STREAM_RETRY_SECONDS));
        assertThat(limits.openStreams("acme")).isEqualTo(2);
        limits.openStream("globex");
        first.release();
        first.release();
        assertThat(limits.openStreams("acme")).isEqualTo(1);
        limits.openStream("acme");
        assertThatThrownBy(() -> limits.openStream("acme")).isInstanceOf(ProblemException.class);
    }
}
