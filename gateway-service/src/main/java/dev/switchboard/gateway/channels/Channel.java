package dev.switchboard.gateway.channels;

import java.util.List;

/**
 * A messaging platform the gateway speaks to: one implementation per platform, an {@code @ApplicationScoped}
 * bean, found by the {@link ChannelRegistry} through its {@link #id()}.
 *
 * <p>The gateway calls the methods in this order for every webhook request: {@link #verify} on the raw
 * request, and only when it is accepted {@link #parse}; the messages are then published to
 * {@code channels.inbound} and the status updates become delivery reports. Replies go out through
 * {@link #deliver}. Implementations hold no per-tenant state: everything a tenant configures comes in
 * through {@link ChannelSettings} ({@code switchboard.gateway.channels.<tenant>.<id>.*}).
 */
public interface Channel {

    /** The setting every channel has: the base URL of the platform's send API (tests point it at a local server). */
    String BASE_URL = "base-url";

    /** The channel's id in URLs, configuration and envelopes ({@code whatsapp}, {@code slack}, ...). */
    String id();

    /**
     * The settings a tenant must configure for this channel to be enabled; a webhook for a tenant that
     * lacks one of them gets 404, and a reply to it goes to the dead letters.
     */
    List<String> requiredSettings();

    /**
     * Whether the platform names its users by phone number (WhatsApp, SMS). Such a number never becomes an id:
     * an unlinked sender's principal is a keyed pseudonym of it instead.
     */
    default boolean namesUsersByPhoneNumber() {
        return false;
    }

    /**
     * Checks that the request comes from the platform (its signature, secret token, ...), before anything
     * in the body is trusted or even parsed. Comparisons of secrets must take constant time.
     */
    Verification verify(WebhookRequest request, ChannelSettings settings);

    /**
     * Answers a {@code GET} on the webhook URL, which some platforms use to verify it when it is
     * registered (WhatsApp's {@code hub.challenge}). By default there is no such handshake.
     */
    default WebhookAnswer handshake(WebhookRequest request, ChannelSettings settings) {
        return WebhookAnswer.status(405);
    }

    /**
     * Reads a verified request: the user messages and status updates it carries, and the answer the
     * platform expects.
     *
     * @throws IllegalArgumentException if the body is not what the platform sends
     */
    Inbound parse(WebhookRequest request);

    /**
     * Sends a reply with the platform's send API.
     *
     * @return the platform's id of the sent message, the one its status updates will name
     * @throws DeliveryException if the platform did not take the message; {@link DeliveryException#isTransient()}
     *         says whether trying again may help
     */
    String deliver(OutboundMessage message, ChannelSettings settings) throws DeliveryException;
}
