package dev.switchboard.gateway.channels;

/**
 * A text message a user sent on a platform, independent of the tenant.
 *
 * @param channelUserId     the sender as the platform names it (a phone number in E.164, a Slack user id, a
 *                          Telegram user id); replies are delivered to it
 * @param platformMessageId the platform's id of the message, the same on a redelivered webhook
 * @param text              the text
 * @param replyAddress      where the conversation happened when that is not the sender itself (a Slack
 *                          channel, a Telegram chat), or null
 */
public record UserMessage(String channelUserId, String platformMessageId, String text, String replyAddress) {
}
