package dev.switchboard.gateway.channels.messaging;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
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

    private final String bootstrap;
    // link key -> user, to undo a link when it is replaced or revoked
    private final Map<String, String> userByLink = new ConcurrentHashMap<>();
    // tenant/channel/user -> channel user id
    private final Map<String, String> addressByUser = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile KafkaConsumer<String, IdentityLink> consumer;
    private volatile boolean running = true;
    private volatile Thread reader;

    DeliveryAddressBook(@ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.bootstrap = bootstrap;
    }

    void start(@Observes StartupEvent event) {
        reader = new Thread(this::follow, "identity-links-reader");
        reader.setDaemon(true);
        reader.start();
    }

    @PreDestroy
    void stop() {
        running = false;
        KafkaConsumer<String, IdentityLink> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    /**
     * The channel user id a reply to this principal user goes to on this channel, if known: the linked
     * channel identity, or the one an unlinked principal is named after.
     */
    public Optional<String> addressOf(String tenant, String channel, String user) {
        try {
            if (reader != null && !caughtUp.await(CATCH_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warnf("identity.links not read up to its end yet; looking up %s on %s anyway", user, channel);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
        if (key == null) {
            return;
        }
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

    private void follow() {
        while (running) {
            try (KafkaConsumer<String, IdentityLink> links = new KafkaConsumer<>(Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-gateway-links-" + UUID.randomUUID(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    Topics.IDENTITY_LINKS.keySerde().deserializer(), Topics.IDENTITY_LINKS.valueSerde().deserializer())) {
                consumer = links;
                if (!running) {
                    return;
                }
                List<TopicPartition> partitions = links.partitionsFor(Topics.IDENTITY_LINKS.name()).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                links.assign(partitions);
                links.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = links.endOffsets(partitions);
                while (running) {
                    for (ConsumerRecord<String, IdentityLink> record : links.poll(Duration.ofMillis(500))) {
                        apply(record.key(), record.value());
                    }
                    if (caughtUp.getCount() > 0
                            && ends.entrySet().stream().allMatch(end -> links.position(end.getKey()) >= end.getValue())) {
                        caughtUp.countDown();
                    }
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                // Every record is read again from the beginning: applying a link twice changes nothing.
                LOG.errorf(e, "Reading identity.links failed; starting over in 5 s");
                sleep(Duration.ofSeconds(5));
            }
        }
    }

    private void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private static String userKey(String tenant, String channel, String user) {
        return tenant + "/" + channel + "/" + user;
    }
}
