package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.switchboard.events.IdentityLink;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.StartupEvent;

/**
 * Where a reply to a principal goes on a messaging channel: the channel user id. Reads the compacted
 * {@code identity.links} (key {@code <tenant>/<channel>/<channelUserId>}) from the beginning, every
 * partition, with a plain consumer of its own (no group), and keeps following it, so that every instance
 * knows every link; a tombstone removes one. A principal that is an unlinked channel identity is named
 * {@code <channel>:<channelUserId>} and needs no link: its address is in its name.
 */
@ApplicationScoped
public class DeliveryAddressBook {

    private static final Logger LOG = Logger.getLogger(DeliveryAddressBook.class);
    /** How long a lookup waits for the book to have read the links that existed at start-up. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(10);

    // link key -> user, to undo a link when it is replaced or revoked
    private final Map<String, String> userByLink = new ConcurrentHashMap<>();
    // tenant/channel/user -> channel user id
    private final Map<String, String> addressByUser = new ConcurrentHashMap<>();
    private final TopicFollower<IdentityLink> links;

    DeliveryAddressBook(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        // Every record is read again from the beginning after a failure: applying a link twice changes nothing.
        this.links = new TopicFollower<>(bootstrap, Topics.IDENTITY_LINKS, null, this::apply);
    }

    void start(@Observes StartupEvent event) {
        links.start();
    }

    @PreDestroy
    void stop() {
        links.stop();
    }

    /**
     * The channel user id a reply to this principal user goes to on this channel, if known: the linked
     * channel identity, or the one an unlinked principal is named after.
     */
    public Optional<String> addressOf(String tenant, String channel, String user) {
        if (!links.awaitCaughtUp(CATCH_UP_WAIT)) {
            LOG.warnf("identity.links not read up to its end yet; looking up %s on %s anyway", user, channel);
        }
        String linked = addressByUser.get(userKey(tenant, channel, user));
        if (linked != null) {
            return Optional.of(linked);
        }
        String unlinkedPrefix = channel + ":";
        if (user.startsWith(unlinkedPrefix) && user.length() > unlinkedPrefix.length()) {
            return Optional.of(user.substring(unlinkedPrefix.length()));
        }
        return Optional.empty();
    }

    /** Applies one record of {@code identity.links}; a null link is a tombstone. */
    void apply(String key, IdentityLink link) {
        String[] parts = key.split("/", 3);
        if (parts.length != 3) {
            LOG.warnf("Ignoring identity link with malformed key %s", key);
            return;
        }
        String previous = link == null ? userByLink.remove(key) : userByLink.put(key, link.getUser());
        if (previous != null) {
            addressByUser.remove(userKey(parts[0], parts[1], previous), parts[2]);
        }
        if (link != null) {
            addressByUser.put(userKey(parts[0], parts[1], link.getUser()), parts[2]);
        }
    }

    private static String userKey(String tenant, String channel, String user) {
        return tenant + "/" + channel + "/" + user;
    }
}
