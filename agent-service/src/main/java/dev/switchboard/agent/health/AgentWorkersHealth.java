package dev.switchboard.agent.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.switchboard.agent.messaging.AgentWorkers;

/** Down when the worker of any hosted agent has stopped: its tasks would wait forever. */
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
