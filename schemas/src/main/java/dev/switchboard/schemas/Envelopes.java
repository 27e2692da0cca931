package dev.switchboard.schemas;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;

/**
 * Derives the envelope of an event from the envelope of the event that caused it.
 *
 * <p>Fields are copied explicitly rather than with Avro's copying builder ({@code newBuilder(other)}):
 * that builder deep-copies nested records through a data model that resolves classes with the thread's
 * context class loader, which under {@code @QuarkusTest} loads a second copy of the generated classes.
 */
public final class Envelopes {

    private Envelopes() {
    }

    /**
     * The envelope of the event that {@code source} caused in step {@code step}: same tenant, session,
     * turn, principal, channel, chain, trace and reply slots; a new event id that is a pure function of the source's
     * id and the step, so a redelivered source yields the same id (an idempotency key downstream).
     */
    public static Envelope derive(Envelope source, String step) {
        return derive(source, step, source.getDelegationChain());
    }

    /** As {@link #derive(Envelope, String)}, with a new delegation chain. */
    public static Envelope derive(Envelope source, String step, List<DelegationLink> chain) {
        return Envelope.newBuilder()
                .setEventId(derivedId(source.getEventId(), step))
                .setTenant(source.getTenant())
                .setSessionId(source.getSessionId())
                .setTurnId(source.getTurnId())
                .setPrincipal(source.getPrincipal())
                .setChannel(source.getChannel())
                .setDelegationChain(chain)
                .setTraceparent(source.getTraceparent())
                .setOccurredAt(Instant.now())
                .setSchemaVersion(source.getSchemaVersion())
                .setReplyTo(source.getReplyTo())
                .build();
    }

    /** A name-based UUID of a source id and a step. */
    public static String derivedId(String sourceId, String step) {
        return UUID.nameUUIDFromBytes((sourceId + "/" + step).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
