package dev.switchboard.gateway.inbound;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.switchboard.events.ChannelMessage;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.IdentityLink;
import dev.switchboard.events.Principal;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.gateway.ApiKeys;
import dev.switchboard.gateway.SessionIds;
import dev.switchboard.gateway.Traceparent;

/**
 * Turns a deduplicated channel message into the {@link TurnReceived} of its principal. A channel identity
 * linked to a user speaks for that user, in the user's one session (the same as on web chat); an unlinked
 * identity is a principal of its own, user {@code <channel>:<channelUserId>}.
 *
 * <p>Every id is derived from the message's key, so a message processed again (after a failed transaction)
 * yields the same event, turn and trace ids, and compliance sees one turn, not two.
 */
public final class ChannelTurns {

    /** Principal attribute: the sender as the platform names it, where a reply must be delivered. */
    public static final String CHANNEL_USER_ID = "channelUserId";
    /** Principal attribute, when the message had one: where a reply goes when it is not the sender. */
    public static final String REPLY_ADDRESS = "replyAddress";

    private ChannelTurns() {
    }

    /** The key of a channel identity on {@code identity.links}: {@code <tenant>/<channel>/<channelUserId>}. */
    public static String linkKey(String tenant, String channel, String channelUserId) {
        return tenant + "/" + channel + "/" + channelUserId;
    }

    /** The user id of an unlinked channel identity. */
    public static String unlinkedUser(String channel, String channelUserId) {
        return channel + ":" + channelUserId;
    }

    /**
     * The turn of a channel message.
     *
     * @param messageKey the message's key on {@code channels.inbound}, {@code <channel>:<platformMessageId>}
     * @param link       the sender's link, or null when the sender is not linked
     */
    public static TurnReceived received(String messageKey, ChannelMessage message, IdentityLink link) {
        String tenant = message.getTenant();
        String user = link != null ? link.getUser() : unlinkedUser(message.getChannel(), message.getChannelUserId());
        Map<String, String> attributes = new HashMap<>();
        attributes.put(CHANNEL_USER_ID, message.getChannelUserId());
        if (message.getReplyAddress() != null) {
            attributes.put(REPLY_ADDRESS, message.getReplyAddress());
        }
        String traceparent = Traceparent.parse(message.getTraceparent());
        Envelope envelope = Envelope.newBuilder()
                .setEventId(derivedId("event", messageKey))
                .setTenant(tenant)
                .setSessionId(SessionIds.forPrincipal(tenant, user))
                .setTurnId(derivedId("turn", messageKey))
                .setPrincipal(Principal.newBuilder().setTenant(tenant).setUser(user).setAttributes(attributes).build())
                .setChannel(message.getChannel())
                .setDelegationChain(List.of())
                .setTraceparent(traceparent != null ? traceparent : derivedTraceparent(messageKey))
                .setOccurredAt(message.getReceivedAt())
                .setSchemaVersion(1)
                .build();
        return TurnReceived.newBuilder()
                .setEnvelope(envelope)
                .setChannelMessageId(message.getPlatformMessageId())
                .setText(message.getText())
                .build();
    }

    private static String derivedId(String kind, String messageKey) {
        return UUID.nameUUIDFromBytes(("channels.inbound\u0000" + kind + "\u0000" + messageKey)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A sampled trace started here, with ids taken from a digest of the key instead of a random source. */
    private static String derivedTraceparent(String messageKey) {
        byte[] digest = ApiKeys.sha256("channels.inbound\u0000trace\u0000" + messageKey);
        HexFormat hex = HexFormat.of();
        // 2^-128 and 2^-64 chances of an all-zero (invalid) id: not worth a branch.
        return "00-" + hex.formatHex(digest, 0, 16) + "-" + hex.formatHex(digest, 16, 24) + "-01";
    }
}
