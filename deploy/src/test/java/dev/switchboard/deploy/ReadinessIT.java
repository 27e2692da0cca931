package dev.switchboard.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.deploy.local.LocalStack;

/**
 * Readiness tells the truth about the broker: while it is down (killed with SIGKILL), every service's
 * {@code /q/health/ready} answers 503 within a bound, and once it is back every one answers 200 again; all the while
 * {@code /q/health/live} answers 200, since restarting a service does not bring a broker back.
 */
class ReadinessIT {

    private static final List<String> SERVICES = List.of("gateway-service", "compliance-service",
            "supervisor-service", "agent-service", "memory-service");
    /** The runtime's broker probe asks with a 2 s timeout and keeps an answer 2 s: DOWN well within this. */
    private static final Duration DOWN_WITHIN = Duration.ofSeconds(15);
    /** How long the broker stays down once every service reported it, liveness checked all along. */
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration UP_WITHIN = Duration.ofSeconds(90);

    record Health(int status, String body) {
    }

    @Test
    void everyServiceIsNotReadyWhileTheBrokerIsDownAndReadyAgainOnceItIsBackWhileStayingLive() throws Exception {
        LocalStack stack = SharedStack.get();
        awaitReadiness(stack, 200, UP_WITHIN, "before the broker is killed");

        long killed = System.nanoTime();
        stack.killBroker();
        try {
            Map<String, Long> downAfter = awaitReadiness(stack, 503, DOWN_WITHIN, "while the broker is down");
            System.out.printf("[readiness] broker killed: not ready after %s ms%n", downAfter);
            long until = System.nanoTime() + OUTAGE.toNanos();
            while (System.nanoTime() < until) {
                for (String module : SERVICES) {
                    Health ready = health(stack, module, "ready");
                    assertThat(ready.status()).as("%s ready while the broker is down: %s", module, ready.body())
                            .isEqualTo(503);
                    assertThat(down(ready)).as("%s's checks that are DOWN", module).contains("Kafka broker");
                    assertLive(stack, module);
                }
                Thread.sleep(1000);
            }
            System.out.printf("[readiness] after %d s without a broker, the checks DOWN: %s%n", (System.nanoTime() - killed) / 1_000_000_000,
                    readiness(stack));
        } finally {
            stack.restartBroker();
        }
        Map<String, Long> upAfter = awaitReadiness(stack, 200, UP_WITHIN, "once the broker is back");
        System.out.printf("[readiness] broker restarted: ready again after %s ms%n", upAfter);
    }

    /**
     * Polls every service's readiness until each answered {@code status} (each once is enough), checking liveness at
     * every round; returns how long each took, in milliseconds.
     */
    private static Map<String, Long> awaitReadiness(LocalStack stack, int status, Duration within, String when)
            throws Exception {
        long started = System.nanoTime();
        Map<String, Long> reached = new LinkedHashMap<>();
        Map<String, Health> last = new LinkedHashMap<>();
        while (reached.size() < SERVICES.size() && System.nanoTime() - started < within.toNanos()) {
            for (String module : SERVICES) {
                if (!reached.containsKey(module)) {
                    Health ready = health(stack, module, "ready");
                    last.put(module, ready);
                    if (ready.status() == status) {
                        reached.put(module, (System.nanoTime() - started) / 1_000_000);
                    }
                }
                assertLive(stack, module);
            }
            Thread.sleep(250);
        }
        assertThat(reached.keySet()).as("services whose readiness answered %d within %s %s; last answers: %s",
                status, within, when, last).containsExactlyInAnyOrderElementsOf(SERVICES);
        return reached;
    }

    private static void assertLive(LocalStack stack, String module) throws Exception {
        Health live = health(stack, module, "live");
        assertThat(live.status()).as("%s live: %s", module, live.body()).isEqualTo(200);
    }

    /** The checks that are DOWN, by service. */
    private static Map<String, List<String>> readiness(LocalStack stack) throws Exception {
        Map<String, List<String>> down = new LinkedHashMap<>();
        for (String module : SERVICES) {
            down.put(module, down(health(stack, module, "ready")));
        }
        return down;
    }

    private static List<String> down(Health health) throws Exception {
        List<String> names = new ArrayList<>();
        for (JsonNode check : Api.JSON.readTree(health.body()).path("checks")) {
            if ("DOWN".equals(check.path("status").asText())) {
                names.add(check.path("name").asText());
            }
        }
        return names;
    }

    /** One health call; a call that gets no answer within 5 s counts as status -1 (health calls must stay cheap). */
    private static Health health(LocalStack stack, String module, String kind) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:"
                + stack.settings().managementPort(module) + "/q/health/" + kind)).timeout(Duration.ofSeconds(5)).build();
        try {
            HttpResponse<String> response = Api.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Health(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            return new Health(-1, "no answer within 5 s");
        }
    }
}
