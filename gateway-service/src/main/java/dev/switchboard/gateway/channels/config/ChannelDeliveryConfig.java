package dev.switchboard.gateway.channels.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How replies are sent to messaging platforms. Retries are configured on {@code ChannelSender#send}. */
@ConfigMapping(prefix = "switchboard.gateway.channel-delivery")
public interface ChannelDeliveryConfig {

    /** Longest one call to a platform's send API may take, connection included. */
    @WithDefault("5s")
    Duration timeout();
}
