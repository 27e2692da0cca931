package dev.switchboard.gateway;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.gateway.messaging.ReplyStreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;

/**
 * The replies' last hop inside one gateway instance: hands each reply to the clients connected here,
 * namely the synchronous request waiting for that turn (by turn id) and the reply streams open on that
 * session (by tenant and session id). Nothing is kept for clients that are not connected.
 */
@ApplicationScoped
public class ReplyHub {

    /** Replies a slow stream client may fall behind by before its stream is ended. */
    static final int STREAM_BUFFER = 256;
    /** Replies kept by turn id, the latest first, for a message sent again after its reply came. */
    static final int RECENT_REPLIES = 10_000;

    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    private final Map<SessionKey, Set<MultiEmitter<? super ReplyOutbound>>> streams = new ConcurrentHashMap<>();
    private final ReplyStreams leases;
    private final Map<String, ReplyOutbound> recent = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ReplyOutbound> eldest) {
                    return size() > RECENT_REPLIES;
                }
            });

    ReplyHub(MeterRegistry registry, ReplyStreams leases) {
        this.leases = leases;
        Gauge.builder("switchboard.gateway.reply.waiters", waiters, Map::size)
                .description("Synchronous requests waiting for their reply").register(registry);
        Gauge.builder("switchboard.gateway.reply.streams", this, ReplyHub::streamCount)
                .description("Open reply streams (Server-Sent Events)").register(registry);
    }

    /**
     * Registers interest in the reply to one turn. Register before the turn is published, so that a reply cannot
     * arrive in between; close the waiter when done, whatever the outcome. Several requests may wait for one turn
     * (a message sent again with the same id while the first request still waits): each gets the reply.
     */
    public Waiter expect(String tenant, String turnId) {
        Waiter waiter = new Waiter(tenant, turnId, new CompletableFuture<>());
        waiters.computeIfAbsent(turnId, k -> ConcurrentHashMap.newKeySet()).add(waiter);
        // A reply that came in the meantime (to the first request of a repeated message) is not missed.
        recentReply(tenant, turnId).ifPresent(waiter.reply::complete);
        return waiter;
    }

    /** The replies of one session, from now on, for as long as the subscriber stays. */
    public Multi<ReplyOutbound> stream(String tenant, String sessionId) {
        SessionKey key = new SessionKey(tenant, sessionId);
        return Multi.createFrom().<ReplyOutbound>emitter(emitter -> {
            streams.compute(key, (k, set) -> {
                if (set == null) {
                    // The session's first stream here: other instances learn to send its replies here too.
                    set = ConcurrentHashMap.newKeySet();
                    leases.opened(sessionId);
                }
                set.add(emitter);
                return set;
            });
            emitter.onTermination(() -> streams.computeIfPresent(key, (k, set) -> {
                set.remove(emitter);
                if (set.isEmpty()) {
                    leases.closed(sessionId);
                    return null;
                }
                return set;
            }));
        }).onOverflow().buffer(STREAM_BUFFER);
    }

    /**
     * Hands a reply to every local listener of its turn and session.
     *
     * @return how many listeners received it (0 when no client of that turn or session is connected here)
     */
    public int deliver(ReplyOutbound reply) {
        Envelope envelope = reply.getEnvelope();
        recent.put(envelope.getTurnId(), reply);
        int listeners = 0;
        Set<Waiter> waiting = waiters.get(envelope.getTurnId());
        if (waiting != null) {
            for (Waiter waiter : waiting) {
                if (waiter.tenant.equals(envelope.getTenant()) && waiter.reply.complete(reply)) {
                    listeners++;
                }
            }
        }
        Set<MultiEmitter<? super ReplyOutbound>> subscribers =
                streams.get(new SessionKey(envelope.getTenant(), envelope.getSessionId()));
        if (subscribers != null) {
            for (MultiEmitter<? super ReplyOutbound> subscriber : subscribers) {
                subscriber.emit(reply);
                listeners++;
            }
        }
        return listeners;
    }

    /**
     * The reply to a turn, if it reached this instance lately (one of the last {@value #RECENT_REPLIES}): what a
     * message sent again with the same id is answered with, of the same tenant only.
     */
    public Optional<ReplyOutbound> recentReply(String tenant, String turnId) {
        ReplyOutbound reply = recent.get(turnId);
        return reply != null && reply.getEnvelope().getTenant().equals(tenant)
                ? Optional.of(reply) : Optional.empty();
    }

    /** Open reply streams of one session on this instance. */
    public int streamCount(String tenant, String sessionId) {
        Set<?> subscribers = streams.get(new SessionKey(tenant, sessionId));
        return subscribers == null ? 0 : subscribers.size();
    }

    private int streamCount() {
        return streams.values().stream().mapToInt(Set::size).sum();
    }

    /** A synchronous request's claim on the reply to its turn. */
    public final class Waiter implements AutoCloseable {

        private final String tenant;
        private final String turnId;
        private final CompletableFuture<ReplyOutbound> reply;

        private Waiter(String tenant, String turnId, CompletableFuture<ReplyOutbound> reply) {
            this.tenant = tenant;
            this.turnId = turnId;
            this.reply = reply;
        }

        /** Completes with the reply when it arrives; never fails on its own (bound it with a timeout). */
        public Uni<ReplyOutbound> reply() {
            return Uni.createFrom().completionStage(reply);
        }

        /** Stops waiting; a reply that arrives later is left to the reply streams. */
        @Override
        public void close() {
            waiters.computeIfPresent(turnId, (k, waiting) -> {
                waiting.remove(this);
                return waiting.isEmpty() ? null : waiting;
            });
        }
    }

    private record SessionKey(String tenant, String sessionId) {
    }
}
