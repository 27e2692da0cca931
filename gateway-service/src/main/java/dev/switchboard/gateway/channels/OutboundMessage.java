package dev.switchboard.gateway.channels;

/**
 * A reply to send on a platform.
 *
 * @param tenant       the tenant whose platform account sends it
 * @param channel      the channel id
 * @param address      the recipient as the platform names it (the channel user id)
 * @param text         the text
 * @param replyEventId the event id of the reply, for logs and idempotency keys where the platform has them
 */
public record OutboundMessage(String tenant, String channel, String address, String text, String replyEventId) {
}
