package dev.switchboard.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ChannelIdentitiesTest {

    static final byte[] KEY = "a pseudonym key of 32 bytes, or more".getBytes(StandardCharsets.UTF_8);
    static final String NUMBER = "+4915112345678";

    /** The identities of the test application: WhatsApp and SMS name their users by phone number. */
    public static ChannelIdentities identities(byte[] key) {
        return new ChannelIdentities(key, Set.of("whatsapp", "sms"));
    }

    final ChannelIdentities identities = identities(KEY);

    @Test
    void aPhoneNumberBecomesAPseudonymWithoutItsDigits() {
        String user = identities.unlinkedUser("acme", "whatsapp", NUMBER);
        assertThat(user).matches("whatsapp:p-[a-z2-7]{20}").doesNotContain(NUMBER).doesNotContain("12345678");
        assertThat(identities.unlinkedUser("acme", "sms", NUMBER)).matches("sms:p-[a-z2-7]{20}");
    }

    @Test
    void thePseudonymIsStableAndDependsOnTenantChannelNumberAndKey() {
        String user = identities.unlinkedUser("acme", "whatsapp", NUMBER);
        assertThat(identities(KEY.clone()).unlinkedUser("acme", "whatsapp", NUMBER)).isEqualTo(user);
        assertThat(identities.unlinkedUser("acme", "whatsapp", "+4915112345679")).isNotEqualTo(user);
        assertThat(identities.unlinkedUser("globex", "whatsapp", NUMBER)).isNotEqualTo(user);
        assertThat(identities.unlinkedUser("acme", "sms", NUMBER).substring(4)).isNotEqualTo(user.substring(9));
        assertThat(identities("another pseudonym key, 32 bytes long".getBytes(StandardCharsets.UTF_8))
                .unlinkedUser("acme", "whatsapp", NUMBER)).isNotEqualTo(user);
    }

    @Test
    void opaqueUserIdsStayAsThePlatformNamesThem() {
        assertThat(identities.unlinkedUser("acme", "slack", "U024BE7LH")).isEqualTo("slack:U024BE7LH");
        assertThat(identities.unlinkedUser("acme", "telegram", "1111111")).isEqualTo("telegram:1111111");
        assertThat(identities.isPhoneChannel("whatsapp")).isTrue();
        assertThat(identities.isPhoneChannel("slack")).isFalse();
    }
}
