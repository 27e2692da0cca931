package dev.switchboard.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.gateway.messaging.ReplyConsumer;

/**
 * Ready once this instance reads its partition of {@code replies.routed} from a fixed position: before that, a
 * reply to a turn accepted here could be missed, and a synchronous request would wait in vain.
 */
@Readiness
@ApplicationScoped
public class ReplyStreamReadiness implements HealthCheck {

    private final ReplyConsumer replies;

    ReplyStreamReadiness(ReplyConsumer replies) {
        this.replies = replies;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("replies-routed partition").status(replies.ready())
                .withData("slot", replies.slot()).build();
    }
}
