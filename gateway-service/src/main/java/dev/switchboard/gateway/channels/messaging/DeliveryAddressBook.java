package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.switchboard.events.IdentityLink;
import dev.switchboard.gateway.inbound.ChannelTurns;
import dev.switchboard.gateway.messaging.TopicFollower;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.StartupEvent;

/**
 * Where a reply to a principal goes on a messaging channel: the channel user id, only ever taken from what the
 * gateway itself wrote to the compacted {@code identity.links}, never from the reply or a principal's name:
 *
 * <ul>
 * <li>a link ({@code <tenant>/<channel>/<channelUserId>} → user) made by a redeemed link code;</li>
 * <li>the address of an unlinked identity ({@code /address/<tenant>/<channel>/<channelUserId>} → its principal
 * user, such as a phone number's pseudonym), recorded by the inbound topology with the identity's first turn.</li>
 * </ul>
 *
 * Every instance reads the topic from the beginning, every partition, with a plain consumer of its own (no
 * group), and keeps following it; a tombstone removes an entry.
 */
@ApplicationScoped
public class DeliveryAddressBook {

    private static final Logger LOG = Logger.getLogger(DeliveryAddressBook.class);
    /** How long a lookup waits for the book to have read the links that existed at start-up. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);
    /** How long a lookup that finds nothing waits for an address recorded just now to arrive. */
    static final Duration LATE_ADDRESS_WAIT = Duration.ofSeconds(1);

    // record key -> user, to undo an entry when it is replaced or removed
    private final Map<String, String> userByKey = new ConcurrentHashMap<>();
    // tenant/channel/user -> channel user id
    private final Map<String, String> addressByUser = new ConcurrentHashMap<>();
    private final TopicFollower<IdentityLink> links;

    @Inject
    DeliveryAddressBook(KafkaClientConfig kafka) {
        this(kafka.connection());
    }

    DeliveryAddressBook(Map<String, Object> connection) {
        // Every record is read again from the beginning after a failure: applying one twice changes nothing.
        this.links = new TopicFollower<>(connection, Topics.IDENTITY_LINKS, null, this::apply);
    }

    void start(@Observes StartupEvent event) {
        links.start();
    }

    @PreDestroy
    void stop() {
        links.stop();
    }

    /** The channel user id a reply to this principal user goes to on this channel, if the gateway recorded one. */
    public Optional<String> addressOf(String tenant, String channel, String user) {
        if (!links.awaitCaughtUp(CATCH_UP_WAIT)) {
            LOG.warnf("identity.links not read up to its end yet; looking up an address on %s anyway", channel);
        }
        String key = userKey(tenant, channel, user);
        long deadline = System.nanoTime() + LATE_ADDRESS_WAIT.toNanos();
        String address = addressByUser.get(key);
        while (address == null && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            address = addressByUser.get(key);
        }
        return Optional.ofNullable(address);
    }

    /** Applies one record of {@code identity.links}; a null value is a tombstone. */
    void apply(String key, IdentityLink link) {
        String tail = key.startsWith(ChannelTurns.ADDRESS_PREFIX) ? key.substring(ChannelTurns.ADDRESS_PREFIX.length()) : key;
        String[] parts = tail.split("/", 3);
        if (parts.length != 3 || parts[2].isEmpty()) {
            LOG.warn("Ignoring an identity link with a malformed key");
            return;
        }
        String previous = link == null ? userByKey.remove(key) : userByKey.put(key, link.getUser());
        if (previous != null) {
            addressByUser.remove(userKey(parts[0], parts[1], previous), parts[2]);
        }
        if (link != null) {
            addressByUser.put(userKey(parts[0], parts[1], link.getUser()), parts[2]);
        }
    }

    private static String userKey(String tenant, String channel, String user) {
        return tenant + "\u0000" + channel + "\u0000" + user;
    }
}
