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

    /**
     * Threads that prepare deliveries (address look-ups) and settle them (delivery reports, dead letters). Replies of
     * different sessions are delivered at the same time, those of one session one after the other; the send calls
     * themselves and the waits between their retries hold none of these threads.
     */
    @WithDefault("16")
    int concurrency();

    /**
     * Replies read from {@code replies.outbound} and not yet settled (sent, or dead-lettered) at most; at the limit
     * the next reply is read once one is settled.
     */
    @WithDefault("256")
    int maxInFlight();

    /**
     * While a platform takes no messages (a reply's retries are exhausted and nothing else was delivered on its
     * channel since the reply was taken into delivery), how long the reply waits before its next round of attempts.
     * It is not dead-lettered for an outage: it waits, and holds back its session's later replies.
     */
    @WithDefault("10s")
    Duration outageRetryInterval();
}
