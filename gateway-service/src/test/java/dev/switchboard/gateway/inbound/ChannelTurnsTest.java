package dev.switchboard.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
    static final String NUMBER = "+4915112345678";
    static final SessionIds SESSIONS = new SessionIds("a session key of thirty-two bytes!".getBytes(StandardCharsets.UTF_8));
    static final ChannelIdentities IDENTITIES = ChannelIdentitiesTest.identities(ChannelIdentitiesTest.KEY);

    final ChannelTurns turns = new ChannelTurns(SESSIONS, IDENTITIES);

    static ChannelMessage message(String channel, String sender, String traceparent) {
        return ChannelMessage.newBuilder().setTenant("acme").setChannel(channel).setChannelUserId(sender)
                .setPlatformMessageId("wamid.1").setText("hello").setReceivedAt(RECEIVED)
                .setTraceparent(traceparent).build();
    }

    static ChannelMessage message(String traceparent) {
        return message("whatsapp", NUMBER, traceparent);
    }

    @Test
    void anUnlinkedPhoneNumberIsAPseudonymousPrincipalThatCarriesNoDigitsOfIt() {
        TurnReceived turn = turns.received("whatsapp:wamid.1", message(null), null);
        Envelope envelope = turn.getEnvelope();
        String user = IDENTITIES.unlinkedUser("acme", "whatsapp", NUMBER);
        assertThat(envelope.getPrincipal().getUser()).isEqualTo(user).matches("whatsapp:p-[a-z2-7]{20}");
        assertThat(envelope.getSessionId()).isEqualTo(SESSIONS.forPrincipal("acme", user));
        assertThat(envelope.getChannel()).isEqualTo("whatsapp");
        assertThat(envelope.getPrincipal().getAttributes()).doesNotContainKey(ChannelTurns.CHANNEL_USER_ID)
                .doesNotContainKey(ChannelTurns.REPLY_ADDRESS);
        assertThat(turn.toString()).doesNotContain(NUMBER).doesNotContain("12345678");
        assertThat(envelope.getOccurredAt()).isEqualTo(RECEIVED);
        assertThat(turn.getChannelMessageId()).isEqualTo("wamid.1");
        assertThat(turn.getText()).isEqualTo("hello");
    }

    @Test
    void anOpaqueChannelIdentityKeepsItsName() {
        Envelope envelope = turns.received("slack:Ev1", message("slack", "U024BE7LH", null), null).getEnvelope();
        assertThat(envelope.getPrincipal().getUser()).isEqualTo("slack:U024BE7LH");
        assertThat(envelope.getPrincipal().getAttributes()).containsEntry(ChannelTurns.CHANNEL_USER_ID, "U024BE7LH");
    }

    @Test
    void aLinkedSenderSpeaksForTheUserInTheUsersSession() {
        IdentityLink link = IdentityLink.newBuilder().setTenant("acme").setChannel("whatsapp")
                .setChannelUserId(NUMBER).setUser("ann").setLinkedAt(RECEIVED).build();
        Envelope envelope = turns.received("whatsapp:wamid.1", message(null), link).getEnvelope();
        assertThat(envelope.getPrincipal().getUser()).isEqualTo("ann");
        assertThat(envelope.getSessionId()).isEqualTo(SESSIONS.forPrincipal("acme", "ann"));
        assertThat(envelope.toString()).doesNotContain(NUMBER);
    }

    @Test
    void theAddressOfAnUnlinkedSenderIsRecordedOnceForItsPrincipal() {
        IdentityLink address = turns.addressToRecord(message(null), null, null);
        assertThat(address.getUser()).isEqualTo(IDENTITIES.unlinkedUser("acme", "whatsapp", NUMBER));
        assertThat(address.getChannelUserId()).isEqualTo(NUMBER);
        assertThat(address.getChannel()).isEqualTo("whatsapp");
        assertThat(address.getTenant()).isEqualTo("acme");
        assertThat(ChannelTurns.addressKey("acme", "whatsapp", NUMBER)).isEqualTo("/address/acme/whatsapp/" + NUMBER);

        assertThat(turns.addressToRecord(message(null), null, address)).as("already recorded").isNull();
        IdentityLink link = IdentityLink.newBuilder(address).setUser("ann").build();
        assertThat(turns.addressToRecord(message(null), link, null)).as("linked: the link is the address").isNull();
        IdentityLink stale = IdentityLink.newBuilder(address).setUser("whatsapp:p-under-an-old-key").build();
        assertThat(turns.addressToRecord(message(null), null, stale)).isEqualTo(address);
    }

    @Test
    void idsAreDerivedFromTheMessageKey() {
        Envelope first = turns.received("whatsapp:wamid.1", message(null), null).getEnvelope();
        Envelope again = turns.received("whatsapp:wamid.1", message(null), null).getEnvelope();
        Envelope other = turns.received("whatsapp:wamid.2", message(null), null).getEnvelope();
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
        assertThat(turns.received("whatsapp:wamid.1", message(traceparent), null).getEnvelope().getTraceparent())
                .isEqualTo(traceparent);
    }
}
