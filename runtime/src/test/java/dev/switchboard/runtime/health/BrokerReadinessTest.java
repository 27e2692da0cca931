package dev.switchboard.runtime.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.CommonClientConfigs;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The broker probe against an address where no broker listens: DOWN within its timeout, the answer reused. */
class BrokerReadinessTest {

    @Test
    void isDownWithinItsTimeoutWhenNoBrokerAnswersAndReusesTheAnswerForItsMaxAge() throws IOException {
        AtomicLong now = new AtomicLong();
        BrokerReadiness check = new BrokerReadiness(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                "localhost:" + closedPort()), Duration.ofMillis(500), Duration.ofSeconds(2), now::get);
        try {
            long started = System.nanoTime();
            HealthCheckResponse first = check.call();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(first.getName()).isEqualTo("Kafka broker");
            assertThat(first.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
            assertThat(first.getData()).hasValueSatisfying(data -> {
                assertThat(data.get("error")).asString().contains("Timeout");
                assertThat(data.get("bootstrap.servers")).asString().startsWith("localhost:");
            });
            assertThat(took).isLessThan(Duration.ofSeconds(3));

            now.addAndGet(Duration.ofMillis(1999).toNanos());
            started = System.nanoTime();
            assertThat(check.call()).as("within max-age: the same answer, not asked again").isSameAs(first);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(100));

            now.addAndGet(Duration.ofMillis(1).toNanos());
            HealthCheckResponse again = check.call();
            assertThat(again).as("after max-age: asked again").isNotSameAs(first);
            assertThat(again.getStatus()).isEqualTo(HealthCheckResponse.Status.DOWN);
        } finally {
            check.close();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
