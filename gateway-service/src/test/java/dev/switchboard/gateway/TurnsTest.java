package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.Envelope;
import dev.switchboard.events.TurnReceived;

class TurnsTest {

    static final String SESSION = UUID.randomUUID().toString();

    @Test
    void opensATurnInThePrincipalsSession() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        TurnReceived turn = Turns.received("acme", SESSION, new InboundMessage("alice", "hello", "m-7"),
                TraceparentTest.VALID, List.of(3), now);

        Envelope envelope = turn.getEnvelope();
        assertThat(turn.getText()).isEqualTo("hello");
        assertThat(turn.getChannelMessageId()).isEqualTo("m-7");
        assertThat(envelope.getTenant()).isEqualTo("acme");
        assertThat(envelope.getPrincipal().getTenant()).isEqualTo("acme");
        assertThat(envelope.getPrincipal().getUser()).isEqualTo("alice");
        assertThat(envelope.getSessionId()).isEqualTo(SESSION);
        assertThat(envelope.getChannel()).isEqualTo("webchat");
        assertThat(envelope.getTraceparent()).isEqualTo(TraceparentTest.VALID);
        assertThat(envelope.getOccurredAt()).isEqualTo(now);
        assertThat(envelope.getDelegationChain()).isEmpty();
        assertThat(envelope.getReplyTo()).containsExactly(3);
        // Derived from the message id (name-based UUIDs), so that the same message sent again is the same turn.
        assertThat(UUID.fromString(envelope.getTurnId()).version()).isEqualTo(3);
        assertThat(UUID.fromString(envelope.getEventId()).version()).isEqualTo(3);
    }

    @Test
    void everyTurnHasItsOwnIdsButTheSessionStays() {
        InboundMessage message = new InboundMessage("alice", "hello", null);
        Envelope first = Turns.received("acme", SESSION, message, TraceparentTest.VALID, List.of(), Instant.now())
                .getEnvelope();
        Envelope second = Turns.received("acme", SESSION, message, TraceparentTest.VALID, List.of(), Instant.now())
                .getEnvelope();
        assertThat(second.getSessionId()).isEqualTo(first.getSessionId());
        assertThat(second.getTurnId()).isNotEqualTo(first.getTurnId());
        assertThat(second.getEventId()).isNotEqualTo(first.getEventId()).isNotEqualTo(second.getTurnId());
    }

    @Test
    void aMessageIdMakesTheSameTurnEveryTimeItIsSent() {
        InboundMessage message = new InboundMessage("alice", "hello", "client-42");
        Envelope first = Turns.received("acme", SESSION, message, TraceparentTest.VALID, List.of(), Instant.now())
                .getEnvelope();
        Envelope again = Turns.received("acme", SESSION, message, TraceparentTest.VALID, List.of(0), Instant.now())
                .getEnvelope();
        assertThat(again.getTurnId()).isEqualTo(first.getTurnId());
        assertThat(again.getEventId()).isEqualTo(first.getEventId()).isNotEqualTo(first.getTurnId());
        Envelope other = Turns.received("acme", SESSION, new InboundMessage("alice", "hello", "client-43"),
                TraceparentTest.VALID, List.of(), Instant.now()).getEnvelope();
        assertThat(other.getTurnId()).isNotEqualTo(first.getTurnId());
        Envelope otherTenant = Turns.received("globex", SESSION, message, TraceparentTest.VALID, List.of(),
                Instant.now()).getEnvelope();
        assertThat(otherTenant.getEventId()).isNotEqualTo(first.getEventId());
    }
}
