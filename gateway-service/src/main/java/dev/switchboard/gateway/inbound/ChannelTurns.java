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
 * identity is a principal of its own ({@link ChannelIdentities#unlinkedUser}: a pseudonym for phone numbers).
 *
 * <p>Where the replies of an unlinked principal go is recorded by the gateway itself, on {@code identity.links}
 * under {@link #addressKey} (value: the channel identity and the principal user it is), so that delivery never
 * takes an address from a name or from anything an agent wrote.
 *
 * <p>Every id is derived from the message's key, so a message processed again (after a failed transaction)
 * yields the same event, turn and trace ids, and compliance sees one turn, not two.
 */
public final class ChannelTurns {

    /** Principal attribute: the sender as the platform names it (not set for phone numbers). */
    public static final String CHANNEL_USER_ID = "channelUserId";
    /** Principal attribute, when the message had one: the conversation, when it is not the sender. */
    public static final String REPLY_ADDRESS = "replyAddress";
    /**
     * Prefix of the keys on {@code identity.links} that record the address of an unlinked principal. It starts
     * with a slash, so no tenant's link keys ({@code <tenant>/...}) can begin with it.
     */
    public static final String ADDRESS_PREFIX = "/address/";

    private final SessionIds sessions;
    private final ChannelIdentities identities;

    public ChannelTurns(SessionIds sessions, ChannelIdentities identities) {
        this.sessions = sessions;
        this.identities = identities;
    }

    /** The key of a channel identity on {@code identity.links}: {@code <tenant>/<channel>/<channelUserId>}. */
    public static String linkKey(String tenant, String channel, String channelUserId) {
        return tenant + "/" + channel + "/" + channelUserId;
    }

    /** The key of an unlinked identity's recorded address on {@code identity.links}. */
    public static String addressKey(String tenant, String channel, String channelUserId) {
        return ADDRESS_PREFIX + linkKey(tenant, channel, channelUserId);
    }

    /** The user a message speaks for: the linked user, or the unlinked identity's own. */
    public String user(ChannelMessage message, IdentityLink link) {
        return link != null ? link.getUser()
                : identities.unlinkedUser(message.getTenant(), message.getChannel(), message.getChannelUserId());
    }

    /**
     * The address record to write for the sender of a message, or null when none is needed: the sender is
     * linked, or its address is recorded for the user it is already.
     *
     * @param recorded what {@code identity.links} holds under the sender's {@link #addressKey}, or null
     */
    public IdentityLink addressToRecord(ChannelMessage message, IdentityLink link, IdentityLink recorded) {
        if (link != null) {
            return null;
        }
        String user = user(message, null);
        if (recorded != null && recorded.getUser().equals(user)) {
            return null;
        }
        return IdentityLink.newBuilder()
                .setTenant(message.getTenant())
                .setChannel(message.getChannel())
                .setChannelUserId(message.getChannelUserId())
                .setUser(user)
                .setLinkedAt(message.getReceivedAt())
                .build();
    }

    /**
     * The turn of a channel message.
     *
     * @param messageKey the message's key on {@code channels.inbound}, {@code <channel>:<platformMessageId>}
     * @param link       the sender's link, or null when the sender is not linked
     */
    public TurnReceived received(String messageKey, ChannelMessage message, IdentityLink link) {
        String tenant = message.getTenant();
        String user = user(message, link);
        Map<String, String> attributes = new HashMap<>();
        if (!identities.isPhoneChannel(message.getChannel())) {
            attributes.put(CHANNEL_USER_ID, message.getChannelUserId());
        }
        if (message.getReplyAddress() != null) {
            attributes.put(REPLY_ADDRESS, message.getReplyAddress());
        }
        String traceparent = Traceparent.parse(message.getTraceparent());
        Envelope envelope = Envelope.newBuilder()
                .setEventId(derivedId("event", messageKey))
                .setTenant(tenant)
                .setSessionId(sessions.forPrincipal(tenant, user))
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
