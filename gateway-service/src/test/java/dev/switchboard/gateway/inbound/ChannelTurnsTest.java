package dev.switchboard.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.Traceparent;

class ChannelTurnsTest {

    static final Instant RECEIVED = Instant.parse("2026-03-02T10:00:00Z");

    static ChannelMessage message(String traceparent) {
        return ChannelMessage.newBuilder().setTenant("acme").setChannel("whatsapp").setChannelUserId("+4915112345678")
                .setPlatformMessageId("wamid.1").setText("hello").setReceivedAt(RECEIVED)
                .setTraceparent(traceparent).build();
    }

    @Test
    void anUnlinkedSenderIsAPrincipalOfItsOwn() {
        TurnReceived turn = ChannelTurns.received("whatsapp:wamid.1", message(null), null);
        Envelope envelope = turn.getEnvelope();
        assertThat(envelope.getPrincipal().getUser()).isEqualTo("whatsapp:+4915112345678");
        assertThat(envelope.getSessionId()).isEqualTo(SessionIds.forPrincipal("acme", "whatsapp:+4915112345678"));
        assertThat(envelope.getChannel()).isEqualTo("whatsapp");
        assertThat(envelope.getPrincipal().getAttributes()).containsEntry(ChannelTurns.CHANNEL_USER_ID, "+4915112345678")
                .doesNotContainKey(ChannelTurns.REPLY_ADDRESS);
        assertThat(envelope.getOccurredAt()).isEqualTo(RECEIVED);
        assertThat(turn.getChannelMessageId()).isEqualTo("wamid.1");
        assertThat(turn.getText()).isEqualTo("hello");
    }

    @Test
    void aLinkedSenderSpeaksForTheUserInTheUsersSession() {
        IdentityLink link = IdentityLink.newBuilder().setTenant("acme").setChannel("whatsapp")
                .setChannelUserId("+4915112345678").setUser("ann").setLinkedAt(RECEIVED).build();
        Envelope envelope = ChannelTurns.received("whatsapp:wamid.1", message(null), link).getEnvelope();
        assertThat(envelope.getPrincipal().getUser()).isEqualTo("ann");
        assertThat(envelope.getSessionId()).isEqualTo(SessionIds.forPrincipal("acme", "ann"));
        assertThat(envelope.getPrincipal().getAttributes()).containsEntry(ChannelTurns.CHANNEL_USER_ID, "+4915112345678");
    }

    @Test
    void idsAreDerivedFromTheMessageKey() {
        Envelope first = ChannelTurns.received("whatsapp:wamid.1", message(null), null).getEnvelope();
        Envelope again = ChannelTurns.received("whatsapp:wamid.1", message(null), null).getEnvelope();
        Envelope other = ChannelTurns.received("whatsapp:wamid.2", message(null), null).getEnvelope();
        assertThat(again.getEventId()).isEqualTo(first.getEventId());
        assertThat(again.getTurnId()).isEqualTo(first.getTurnId());
        assertThat(again.getTraceparent()).isEqualTo(first.getTraceparent());
        assertThat(other.getEventId()).isNotEqualTo(first.getEventId());
        assertThat(first.getEventId()).isNotEqualTo(first.getTurnId());
        assertThat(Traceparent.parse(first.getTraceparent())).isEqualTo(first.getTraceparent());
    }

    @Test
    void keepsTheSendersTraceContext() {
        String traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(ChannelTurns.received("whatsapp:wamid.1", message(traceparent), null).getEnvelope().getTraceparent())
                .isEqualTo(traceparent);
    }
}
