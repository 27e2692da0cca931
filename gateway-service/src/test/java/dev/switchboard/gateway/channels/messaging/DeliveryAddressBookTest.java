package dev.switchboard.gateway.channels.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.IdentityLink;

class DeliveryAddressBookTest {

    final DeliveryAddressBook book = new DeliveryAddressBook("localhost:1");

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
    void anUnlinkedPrincipalCarriesItsAddressInItsName() {
        assertThat(book.addressOf("acme", "whatsapp", "whatsapp:+14158675309")).contains("+14158675309");
        assertThat(book.addressOf("acme", "whatsapp", "sms:+14158675309")).isEmpty();
        assertThat(book.addressOf("acme", "whatsapp", "whatsapp:")).isEmpty();
    }
}
