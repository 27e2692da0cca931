package dev.switchboard.gateway.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.jboss.logging.Logger;

import dev.switchboard.gateway.config.GatewayConfig;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;
import io.quarkus.runtime.StartupEvent;

/**
 * Which gateway instances want the replies of a session, so that a turn can name them ({@code replyTo}) and the
 * supervisor sends each of them a copy on {@code replies.routed}: this instance when a request waits here or a
 * reply stream of the session is open here, and every other instance that holds an open stream of it.
 *
 * <p>Open streams are shared as leases on {@code reply.streams} (key {@code <session id>/<slot>}, value the time
 * the lease ends): an instance writes one when a session's first stream opens here, renews all of its leases every
 * third of {@code reply-stream-lease}, and writes a tombstone when the session's last stream here closes. Every
 * instance follows the topic into a map of unexpired leases; the lease of an instance that died without its
 * tombstones runs out on its own. A stream opened on another instance a moment before a turn is taken may not be
 * known yet; it gets the replies of the next turns (a stream never gets replies from before it opened).
 */
@ApplicationScoped
public class ReplyStreams {

    private static final Logger LOG = Logger.getLogger(ReplyStreams.class);

    private final int slot;
    private final Duration lease;
    private final Clock clock;
    private final Set<String> local = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<Integer, Long>> leases = new ConcurrentHashMap<>();
    private final TopicFollower<Long> follower;
    private final KafkaProducer<String, Long> producer;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "reply-stream-leases");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    ReplyStreams(GatewayConfig config, KafkaClientConfig kafka) {
        this(config.instanceSlot(), config.replyStreamLease(), Clock.systemUTC(), kafka);
    }

    ReplyStreams(int slot, Duration lease, Clock clock, KafkaClientConfig kafka) {
        this.slot = slot;
        this.lease = lease;
        this.clock = clock;
        this.follower = new TopicFollower<>(kafka.connection(), Topics.REPLY_STREAMS, null,
                new TopicFollower.LookBack(lease.multipliedBy(2)), this::apply);
        this.producer = new KafkaProducer<>(kafka.with(Map.of(
                        ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.CLIENT_ID_CONFIG, "switchboard-gateway-reply-streams")),
                Topics.REPLY_STREAMS.keySerde().serializer(), Topics.REPLY_STREAMS.valueSerde().serializer());
    }

    void start(@Observes StartupEvent event) {
        follower.start();
        long every = Math.max(1, lease.toMillis() / 3);
        renewer.scheduleAtFixedRate(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        renewer.shutdownNow();
        follower.stop();
        local.forEach(session -> publish(session, null));
        producer.close(Duration.ofSeconds(5));
    }

    /** This instance's slot. */
    public int slot() {
        return slot;
    }

    /**
     * The slots a new turn of {@code session} names: this instance's when {@code waiting} (a synchronous request) or
     * when a stream of the session is open here, and the slots of the other instances' unexpired leases.
     */
    public List<Integer> replyTo(String session, boolean waiting) {
        Set<Integer> slots = new TreeSet<>();
        if (waiting || local.contains(session)) {
            slots.add(slot);
        }
        long now = clock.millis();
        leases.getOrDefault(session, Map.of()).forEach((other, until) -> {
            if (until > now) {
                slots.add(other);
            }
        });
        return List.copyOf(slots);
    }

    /** A session's first stream on this instance opened. */
    public void opened(String session) {
        if (local.add(session)) {
            publish(session, clock.millis() + lease.toMillis());
        }
    }

    /** A session's last stream on this instance closed. */
    public void closed(String session) {
        if (local.remove(session)) {
            publish(session, null);
        }
    }

    private void renew() {
        try {
            long until = clock.millis() + lease.toMillis();
            local.forEach(session -> publish(session, until));
            long now = clock.millis();
            leases.values().forEach(slots -> slots.values().removeIf(end -> end <= now));
            leases.values().removeIf(Map::isEmpty);
        } catch (RuntimeException e) {
            LOG.warn("Renewing the reply stream leases failed; trying again at the next renewal", e);
        }
    }

    private void publish(String session, Long until) {
        String key = session + "/" + slot;
        producer.send(new ProducerRecord<>(Topics.REPLY_STREAMS.name(), key, until), (metadata, failure) -> {
            if (failure != null) {
                LOG.warnf(failure, "Lease %s not published: other instances may not route this session's replies "
                        + "here until the next renewal", key);
            }
        });
    }

    private void apply(String key, Long until) {
        int cut = key.lastIndexOf('/');
        if (cut < 1) {
            return;
        }
        int owner;
        try {
            owner = Integer.parseInt(key.substring(cut + 1));
        } catch (NumberFormatException e) {
            return;
        }
        String session = key.substring(0, cut);
        if (until == null || until <= clock.millis()) {
            leases.computeIfPresent(session, (s, slots) -> {
                slots.remove(owner);
                return slots.isEmpty() ? null : slots;
            });
        } else {
            leases.computeIfAbsent(session, s -> new ConcurrentHashMap<>()).put(owner, until);
        }
    }
}
