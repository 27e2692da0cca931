package dev.switchboard.gateway.messaging;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;

import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.Record;

/**
 * Publishes the turns that web chat clients open to {@code turns.raw}, keyed by session id, so that
 * compliance sees every turn of a session in order. A publish completes only once the broker has
 * acknowledged the record (producer {@code acks=all}), which is when the client is told the turn was accepted.
 */
@ApplicationScoped
public class TurnService {

    public static final String TURNS_RAW = "turns-raw";

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
                .transform(failure -> new PublishFailedException("the broker refused the turn: " + failure.getMessage()));
    }

    /** A turn that could not be handed to Kafka; the client may retry. */
    public static class PublishFailedException extends RuntimeException {

        PublishFailedException(String message) {
            super(message);
        }
    }
}
