package dev.switchboard.agent.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.agent.messaging.AgentWorkers;

/**
 * The {@code agent workers} checks. Readiness is down while any hosted agent has no running worker, naming it in
 * {@code stopped}: fenced by a newer instance (for good), or stopped unexpectedly and waiting to be replaced
 * ({@code WorkerSupervisor}); its tasks wait meanwhile. Liveness is down only for a worker fenced for good, named in
 * {@code fenced}: a worker that stopped because the broker is gone is replaced when it is back, and restarting the
 * service would not bring it back sooner.
 */
@ApplicationScoped
public class AgentWorkersHealth {

    private final AgentWorkers workers;

    AgentWorkersHealth(AgentWorkers workers) {
        this.workers = workers;
    }

    @Produces
    @Readiness
    @ApplicationScoped
    HealthCheck running() {
        return () -> {
            var stopped = workers.stoppedAgents();
            return HealthCheckResponse.named("agent workers").status(stopped.isEmpty())
                    .withData("stopped", String.join(",", stopped)).build();
        };
    }

    @Produces
    @Liveness
    @ApplicationScoped
    HealthCheck notFenced() {
        return () -> {
            var fenced = workers.fencedAgents();
            return HealthCheckResponse.named("agent workers").status(fenced.isEmpty())
                    .withData("fenced", String.join(",", fenced)).build();
        };
    }
}
