package dev.switchboard.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes the turns that web chat clients open to {@code turns.raw}, keyed by session id, so that
 * compliance sees every turn of a session in order. A publish completes only once the broker has
 * acknowledged the record (producer {@code acks=all}), which is when the client is told the turn was accepted; a
 * publish that fails may still have written the record, which is why a turn's ids derive from its message id.
 */
@ApplicationScoped
public class TurnService {

    public static final String TURNS_RAW = "turns-raw";

    private static final Logger LOG = Logger.getLogger(TurnService.class);

    private final MutinyEmitter<Record<String, TurnReceived>> turns;
    private final GatewayConfig config;

    TurnService(@Channel(TURNS_RAW) MutinyEmitter<Record<String, TurnReceived>> turns, GatewayConfig config) {
        this.turns = turns;
        this.config = config;
    }

    /**
     * Sends the turn and completes when the broker has acknowledged it.
     *
     * @return fails with {@link PublishFailedException} when the broker refused the record or did not
     *         acknowledge it within {@code switchboard.gateway.publish-timeout}
     */
    public Uni<Void> publish(TurnReceived turn) {
        return Uni.createFrom().deferred(() -> turns.send(Record.of(turn.getEnvelope().getSessionId(), turn)))
                .ifNoItem().after(config.publishTimeout())
                .failWith(() -> new PublishFailedException("the broker did not acknowledge the turn within "
                        + config.publishTimeout().toSeconds() + " s"))
                .onFailure(failure -> !(failure instanceof PublishFailedException))
                .transform(failure -> {
                    LOG.warnf(failure, "Turn %s not published", turn.getEnvelope().getEventId());
                    return new PublishFailedException("the broker refused the turn");
                });
    }

    /**
     * A turn the broker did not confirm: refused, or not acknowledged in time. It may still have been written (an
     * acknowledgement lost on its way, a write that completes after the timeout), so the web chat API answers 503
     * with the message id to send it again with, never "nothing was published" ({@code UnconfirmedTurn}).
     */
    public static class PublishFailedException extends RuntimeException {

        PublishFailedException(String reason) {
            super(reason);
        }
    }
}
