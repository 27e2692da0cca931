package dev.switchboard.gateway.inbound;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

import dev.switchboard.gateway.Hmac;

/**
 * The principal user of a channel identity that is not linked to a user: {@code <channel>:<channelUserId>} for
 * platforms whose user ids are opaque (Slack, Telegram), and a keyed pseudonym
 * {@code <channel>:p-<20 base32 characters of HMAC-SHA256(key, tenant NUL channel NUL number)>} for platforms
 * that name users by phone number (WhatsApp, SMS). So the number never becomes an id: turns, memory, audit rows
 * and timelines carry the pseudonym, and only the gateway, which recorded where the pseudonym's replies go
 * ({@link ChannelTurns#addressKey}), can reach the number.
 *
 * <p>The pseudonym is stable per tenant, channel and number for as long as the key
 * ({@code switchboard.gateway.pseudonym-key}) stays the same, so the same person keeps one session.
 */
public final class ChannelIdentities {

    /** Marks a pseudonymous user id: {@code whatsapp:p-...}. */
    public static final String PSEUDONYM_MARK = "p-";
    static final int PSEUDONYM_LENGTH = 20;
    private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

    private final Hmac hmac;
    private final Set<String> phoneChannels;

    /** @param phoneChannels ids of the channels whose user ids are phone numbers */
    public ChannelIdentities(byte[] pseudonymKey, Set<String> phoneChannels) {
        this.hmac = new Hmac(pseudonymKey, "pseudonym key");
        this.phoneChannels = Set.copyOf(phoneChannels);
    }

    /** The user id of the unlinked channel identity. */
    public String unlinkedUser(String tenant, String channel, String channelUserId) {
        return channel + ":" + (isPhoneChannel(channel) ? pseudonym(tenant, channel, channelUserId) : channelUserId);
    }

    /** Whether the channel names its users by phone number, which must not become an id. */
    public boolean isPhoneChannel(String channel) {
        return phoneChannels.contains(channel);
    }

    String pseudonym(String tenant, String channel, String channelUserId) {
        byte[] mac = hmac.of((tenant + "\u0000" + channel + "\u0000" + channelUserId).getBytes(StandardCharsets.UTF_8));
        return PSEUDONYM_MARK + base32(mac).substring(0, PSEUDONYM_LENGTH);
    }

    private static String base32(byte[] bytes) {
        StringBuilder out = new StringBuilder();
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
