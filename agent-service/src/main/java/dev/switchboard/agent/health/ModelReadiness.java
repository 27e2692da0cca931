package dev.switchboard.agent.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.agent.model.providers.ModelRegistry;

/**
 * DOWN while the circuit of a configured model is open: its provider kept failing (5xx, 429, timeouts, broken
 * connections), and its calls fail at once until the circuit's delay has passed. The data names each such model (its
 * configured name, with the provider's model and until when). Readiness only: a provider's outage is not cured by
 * restarting the service. The offline model has no circuit.
 */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {

    private final ModelRegistry models;

    ModelReadiness(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public HealthCheckResponse call() {
        var open = models.openCircuits();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("model providers").status(open.isEmpty());
        open.forEach((name, circuit) -> response.withData(name, "circuit open until " + circuit.until() + " ("
                + circuit.model() + ")"));
        return response.build();
    }
}
