package dev.switchboard.gateway.inbound;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.LinkCode;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Issues link codes to {@code identity.link-codes} and revokes links with tombstones on
 * {@code identity.links}; lists links and counts a user's outstanding codes from the global tables of
 * both topics, which every instance holds (see {@link TopologyProducer}). A write completes once the broker
 * has acknowledged it ({@code acks=all}).
 *
 * <p>Two limits apply to codes: at most {@code max-active-per-user} unexpired codes per user, counted from
 * the topic and so across instances (two requests to two instances within the few milliseconds a code
 * takes to reach every global table may both pass), and at most {@code max-per-hour} codes per user issued
 * by this instance.
 */
@ApplicationScoped
public class IdentityLinkService {

    public static final String IDENTITY_LINK_CODES = "identity-link-codes";
    public static final String IDENTITY_LINKS = "identity-links";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Logger LOG = Logger.getLogger(IdentityLinkService.class);

    private final MutinyEmitter<Record<String, LinkCode>> codes;
    private final MutinyEmitter<Record<String, IdentityLink>> links;
    private final KafkaStreams streams;
    private final InboundConfig.LinkCodes config;
    private final IssueLimiter limiter;

    IdentityLinkService(@Channel(IDENTITY_LINK_CODES) MutinyEmitter<Record<String, LinkCode>> codes,
            @Channel(IDENTITY_LINKS) MutinyEmitter<Record<String, IdentityLink>> links,
            KafkaStreams streams, InboundConfig config) {
        this.codes = codes;
        this.links = links;
        this.streams = streams;
        this.config = config.linkCodes();
        this.limiter = new IssueLimiter(this.config.maxPerHour(), Duration.ofHours(1));
    }

    /** A code issued to a user: the only time the code itself is seen. */
    public record IssuedCode(String code, Instant expiresAt) {
    }

    /**
     * Issues a new one-time code that links the channel identity that sends it to the user.
     *
     * @throws LinkCodeLimitException    when the user holds too many unexpired codes or asked too often
     * @throws LinksUnavailableException when the codes cannot be counted now
     */
    public Uni<IssuedCode> issue(String tenant, String user) {
        // Milliseconds, as the topic keeps them: the expiry answered is the one enforced.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        List<LinkCode> active = activeCodes(tenant, user, now);
        if (active.size() >= config.maxActivePerUser()) {
            Instant firstExpiry = active.stream().map(LinkCode::getExpiresAt).min(Comparator.naturalOrder()).orElseThrow();
            throw new LinkCodeLimitException(LinkCodeLimitException.TOO_MANY_CODES, "the user already holds " + active.size()
                    + " unexpired link codes, the most allowed; use one or wait until one expires",
                    Duration.between(now, firstExpiry));
        }
        limiter.tryAcquire(tenant + "\u0000" + user, now).ifPresent(wait -> {
            throw new LinkCodeLimitException(LinkCodeLimitException.TOO_MANY_REQUESTS, "at most " + config.maxPerHour()
                    + " link codes per user per hour", wait);
        });
        String code = LinkCodes.generate(RANDOM);
        String digest = LinkCodes.sha256Hex(code);
        Instant expiresAt = now.plus(config.ttl());
        LinkCode record = LinkCode.newBuilder()
                .setTenant(tenant)
                .setUser(user)
                .setCodeSha256(digest)
                .setIssuedAt(now)
                .setExpiresAt(expiresAt)
                .build();
        return publish(codes.send(Record.of(LinkCodes.key(tenant, digest), record)), "link code")
                .replaceWith(new IssuedCode(code, expiresAt));
    }

    /** The user's unexpired codes, as this instance's global table has them. */
    public List<LinkCode> activeCodes(String tenant, String user, Instant now) {
        List<LinkCode> active = new ArrayList<>();
        for (LinkCode code : this.<LinkCode>tenantEntries(TopologyProducer.LINK_CODES_STORE, tenant)) {
            if (code.getUser().equals(user) && code.getExpiresAt().isAfter(now)) {
                active.add(code);
            }
        }
        return active;
    }

    /** The channel identities linked to the user, by channel and channel user id. */
    public List<IdentityLink> links(String tenant, String user) {
        return this.<IdentityLink>tenantEntries(TopologyProducer.IDENTITY_LINKS_STORE, tenant).stream()
                .filter(link -> link.getUser().equals(user))
                .sorted(Comparator.comparing(IdentityLink::getChannel).thenComparing(IdentityLink::getChannelUserId))
                .toList();
    }

    /**
     * Revokes a link of the user: a tombstone on {@code identity.links}.
     *
     * @return false when the channel identity is not linked to this user
     */
    public Uni<Boolean> revoke(String tenant, String user, String channel, String channelUserId) {
        String key = ChannelTurns.linkKey(tenant, channel, channelUserId);
        IdentityLink link = this.<IdentityLink>store(TopologyProducer.IDENTITY_LINKS_STORE).get(key);
        if (link == null || !link.getUser().equals(user)) {
            return Uni.createFrom().item(false);
        }
        return publish(links.send(Record.of(key, null)), "revocation").replaceWith(true);
    }

    private Uni<Void> publish(Uni<Void> send, String what) {
        Duration timeout = config.publishTimeout();
        return send
                .ifNoItem().after(timeout)
                .failWith(() -> new LinksUnavailableException("the broker did not acknowledge the " + what
                        + " within " + timeout.toSeconds() + " s"))
                .onFailure(failure -> !(failure instanceof LinksUnavailableException))
                .transform(failure -> {
                    LOG.warnf(failure, "The %s was not published", what);
                    return new LinksUnavailableException("the broker refused the " + what);
                });
    }

    private <V> List<V> tenantEntries(String storeName, String tenant) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<String, V> entries = this.<V>store(storeName).prefixScan(tenant + "/", new StringSerializer())) {
            while (entries.hasNext()) {
                KeyValue<String, V> entry = entries.next();
                if (entry.value != null) {
                    values.add(entry.value);
                }
            }
        } catch (InvalidStateStoreException e) {
            throw new LinksUnavailableException("store " + storeName + " is not readable now: " + e.getMessage());
        }
        return values;
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new LinksUnavailableException("Kafka Streams is " + streams.state());
        }
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            throw new LinksUnavailableException("store " + name + " is not readable now: " + e.getMessage());
        }
    }
}
