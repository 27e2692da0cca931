package dev.switchboard.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.gateway.messaging.ReplyPartitions;
import io.smallrye.common.annotation.Identifier;

/**
 * Ready once this instance reads {@code replies.outbound}: before that, a reply to a turn accepted here
 * could be missed, and a synchronous request would wait in vain.
 */
@Readiness
@ApplicationScoped
public class ReplyStreamReadiness implements HealthCheck {

    private final ReplyPartitions partitions;

    ReplyStreamReadiness(@Identifier(ReplyPartitions.NAME) ReplyPartitions partitions) {
        this.partitions = partitions;
    }

    @Override
    public HealthCheckResponse call() {
        int count = partitions.count();
        return HealthCheckResponse.named("replies-outbound partitions").status(count > 0)
                .withData("partitions", count).build();
    }
}
