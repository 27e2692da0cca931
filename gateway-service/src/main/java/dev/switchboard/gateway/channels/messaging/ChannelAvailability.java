package dev.switchboard.gateway.channels.messaging;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether each messaging platform takes messages, as channel delivery sees it. A platform is taken to be down when a
 * reply's attempts all failed for a reason the platform may get over (unreachable, timeouts, 5xx, 408, 429) and
 * nothing else was delivered on its channel since that reply was taken into delivery; it is up again as soon as a
 * reply is delivered, or refused for good (the platform answered). A reply that keeps failing while others on its
 * channel are delivered is that reply's failure, not the platform's.
 */
@ApplicationScoped
public class ChannelAvailability {

    /** A platform taking no messages: since when, and the last failure. */
    public record Outage(Instant since, String lastFailure) {
    }

    private final Map<String, Instant> lastReached = new ConcurrentHashMap<>();
    private final Map<String, Outage> outages = new ConcurrentHashMap<>();

    /** The platform of {@code channel} answered: it took a message, or refused one for good. */
    void reached(String channel) {
        lastReached.put(channel, Instant.now());
        outages.remove(channel);
    }

    /**
     * A reply taken into delivery at {@code since} could not be delivered after its retries.
     *
     * @return whether its platform is taken to be down: nothing was delivered on the channel since {@code since}
     */
    boolean failed(String channel, Instant since, String failure) {
        Instant reached = lastReached.get(channel);
        if (reached != null && reached.isAfter(since)) {
            return false;
        }
        outages.merge(channel, new Outage(Instant.now(), failure),
                (current, next) -> new Outage(current.since(), failure));
        return true;
    }

    /** The channels whose platform takes no messages, by channel id. */
    public Map<String, Outage> outages() {
        return new TreeMap<>(outages);
    }
}
