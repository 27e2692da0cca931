package dev.switchboard.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import dev.switchboard.events.Envelope;

/** Derives the envelope of an event from the envelope of the event that caused it. */
public final class Envelopes {

    private Envelopes() {
    }

    /**
     * The envelope of the event that {@code source} caused in step {@code step}: same tenant, session,
     * turn, principal, channel, chain and trace; a new event id that is a pure function of the source's
     * id and the step, so a redelivered source yields the same id (an idempotency key downstream).
     */
    public static Envelope derive(Envelope source, String step) {
        return Envelope.newBuilder(source)
                .setEventId(derivedId(source.getEventId(), step))
                .setOccurredAt(Instant.now())
                .build();
    }

    /** A name-based UUID of a source id and a step. */
    public static String derivedId(String sourceId, String step) {
        return UUID.nameUUIDFromBytes((sourceId + "/" + step).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
