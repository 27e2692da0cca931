package dev.switchboard.gateway.channels.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.IdentityLink;
import dev.switchboard.gateway.inbound.ChannelTurns;

class DeliveryAddressBookTest {

    // never started: records are applied by hand
    final DeliveryAddressBook book = new DeliveryAddressBook(Map.of("bootstrap.servers", "localhost:1"));

    static IdentityLink link(String channel, String channelUserId, String user) {
        return IdentityLink.newBuilder().setTenant("acme").setChannel(channel).setChannelUserId(channelUserId)
                .setUser(user).setLinkedAt(Instant.now()).build();
    }

    @Test
    void findsALinkedIdentity() {
        book.apply("acme/whatsapp/+14158675309", link("whatsapp", "+14158675309", "alice"));
        assertThat(book.addressOf("acme", "whatsapp", "alice")).contains("+14158675309");
        assertThat(book.addressOf("acme", "sms", "alice")).isEmpty();
        assertThat(book.addressOf("other", "whatsapp", "alice")).isEmpty();
    }

    @Test
    void forgetsARevokedOrMovedLink() {
        book.apply("acme/telegram/777", link("telegram", "777", "alice"));
        book.apply("acme/telegram/777", link("telegram", "777", "bob"));
        assertThat(book.addressOf("acme", "telegram", "alice")).isEmpty();
        assertThat(book.addressOf("acme", "telegram", "bob")).contains("777");
        book.apply("acme/telegram/777", null);
        assertThat(book.addressOf("acme", "telegram", "bob")).isEmpty();
    }

    @Test
    void findsTheRecordedAddressOfAPseudonymAndKeepsItApartFromLinks() {
        String key = ChannelTurns.addressKey("acme", "whatsapp", "+14158675309");
        book.apply(key, link("whatsapp", "+14158675309", "whatsapp:p-abcdefghijklmnopqrst"));
        book.apply("acme/whatsapp/+14158675309", link("whatsapp", "+14158675309", "alice"));
        assertThat(book.addressOf("acme", "whatsapp", "whatsapp:p-abcdefghijklmnopqrst")).contains("+14158675309");
        assertThat(book.addressOf("acme", "whatsapp", "alice")).contains("+14158675309");
        book.apply("acme/whatsapp/+14158675309", null);
        assertThat(book.addressOf("acme", "whatsapp", "alice")).isEmpty();
        assertThat(book.addressOf("acme", "whatsapp", "whatsapp:p-abcdefghijklmnopqrst")).contains("+14158675309");
    }

    @Test
    void aPrincipalsNameIsNeverTakenForItsAddress() {
        assertThat(book.addressOf("acme", "whatsapp", "whatsapp:+14158675309")).isEmpty();
        assertThat(book.addressOf("acme", "telegram", "telegram:1111111")).isEmpty();
    }
}
