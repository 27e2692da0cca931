package dev.switchboard.agent.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.switchboard.agent.messaging.AgentWorkers;

/**
 * Down while any hosted agent has no running worker, naming it in {@code stopped}: fenced by a newer instance (for
 * good), or stopped unexpectedly and waiting to be replaced ({@code WorkerSupervisor}); its tasks wait meanwhile.
 */
@Liveness
@ApplicationScoped
public class AgentWorkersHealth implements HealthCheck {

    private final AgentWorkers workers;

    AgentWorkersHealth(AgentWorkers workers) {
        this.workers = workers;
    }

    @Override
    public HealthCheckResponse call() {
        var stopped = workers.stoppedAgents();
        return HealthCheckResponse.named("agent workers").status(stopped.isEmpty())
                .withData("stopped", String.join(",", stopped)).build();
    }
}
