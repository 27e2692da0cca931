package dev.switchboard.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.switchboard.gateway.channels.messaging.ChannelAvailability;

/**
 * DOWN while a messaging platform takes no replies ({@link ChannelAvailability}): its replies wait and are tried
 * again, and the data names each such channel with since when and its last failure. UP again once a reply on it is
 * delivered. Readiness only: restarting the gateway does not bring a platform back.
 */
@Readiness
@ApplicationScoped
public class ChannelReadiness implements HealthCheck {

    private final ChannelAvailability channels;

    ChannelReadiness(ChannelAvailability channels) {
        this.channels = channels;
    }

    @Override
    public HealthCheckResponse call() {
        var outages = channels.outages();
        HealthCheckResponseBuilder response = HealthCheckResponse.named("channel APIs").status(outages.isEmpty());
        outages.forEach((channel, outage) -> response.withData(channel, "taking no messages since " + outage.since()
                + ": " + outage.lastFailure()));
        return response.build();
    }
}
