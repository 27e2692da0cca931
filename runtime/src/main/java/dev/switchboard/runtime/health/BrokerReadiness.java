package dev.switchboard.runtime.health;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.runtime.kafka.KafkaClientConfig;

/**
 * Readiness: DOWN while this service cannot reach the Kafka broker. Asks the broker for its nodes
 * ({@code describeCluster}) as the service's own principal ({@link KafkaClientConfig}), waiting at most
 * {@code switchboard.health.broker.timeout}, and reuses the answer for {@code switchboard.health.broker.max-age}, so
 * that frequent health calls cost one request to the broker per interval at most and never wait longer than the
 * timeout.
 *
 * <p>Kafka's own clients do not say that the broker is gone: a Kafka Streams client stays {@code RUNNING} and a
 * consumer keeps polling while they reconnect. Readiness only; a broker outage is not cured by restarting the
 * service, so liveness does not look at the broker.
 */
@Readiness
@ApplicationScoped
public class BrokerReadiness implements HealthCheck {

    static final String NAME = "Kafka broker";

    private final Map<String, Object> connection;
    private final Duration timeout;
    private final long maxAgeNanos;
    private final LongSupplier nanoTime;
    private Admin admin;
    private HealthCheckResponse last;
    private long lastAt;

    @Inject
    BrokerReadiness(KafkaClientConfig kafka,
            @ConfigProperty(name = "switchboard.health.broker.timeout") Duration timeout,
            @ConfigProperty(name = "switchboard.health.broker.max-age") Duration maxAge) {
        this(kafka.connection(), timeout, maxAge, System::nanoTime);
    }

    BrokerReadiness(Map<String, Object> connection, Duration timeout, Duration maxAge, LongSupplier nanoTime) {
        this.connection = connection;
        this.timeout = timeout;
        this.maxAgeNanos = maxAge.toNanos();
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized HealthCheckResponse call() {
        long now = nanoTime.getAsLong();
        if (last == null || now - lastAt >= maxAgeNanos) {
            last = probe();
            lastAt = nanoTime.getAsLong();
        }
        return last;
    }

    private HealthCheckResponse probe() {
        var response = HealthCheckResponse.named(NAME);
        try {
            Collection<Node> nodes = admin().describeCluster(new DescribeClusterOptions()
                    .timeoutMs((int) timeout.toMillis())).nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return response.up().withData("nodes", nodes.stream().map(node -> node.host() + ":" + node.port())
                    .collect(Collectors.joining(","))).build();
        } catch (ExecutionException e) {
            return down(response, e.getCause());
        } catch (TimeoutException e) {
            return down(response, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return down(response, e);
        } catch (RuntimeException e) { // the admin client could not be made (a bad setting)
            return down(response, e);
        }
    }

    private HealthCheckResponse down(HealthCheckResponseBuilder response, Throwable cause) {
        return response.down().withData("bootstrap.servers", String.valueOf(connection
                .get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG))).withData("error", cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage())).build();
    }

    private Admin admin() {
        if (admin == null) {
            Map<String, Object> settings = new HashMap<>(connection);
            settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-broker-readiness");
            settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            // Reconnect soon after the broker is back, so readiness follows it within a probe or two.
            settings.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
            admin = Admin.create(settings);
        }
        return admin;
    }

    @PreDestroy
    synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(1));
            admin = null;
        }
    }
}
