package dev.switchboard.gateway.channels;

import java.util.List;

/**
 * What a verified webhook request carries: user messages, status updates of earlier replies, and the
 * answer the platform expects once they are safely stored.
 */
public record Inbound(List<UserMessage> messages, List<StatusUpdate> statuses, WebhookAnswer answer) {

    public Inbound {
        messages = List.copyOf(messages);
        statuses = List.copyOf(statuses);
    }

    public static Inbound of(List<UserMessage> messages, List<StatusUpdate> statuses) {
        return new Inbound(messages, statuses, WebhookAnswer.ok());
    }

    /** A request that carries nothing to publish but needs a specific answer (Slack's url_verification). */
    public static Inbound answerOnly(WebhookAnswer answer) {
        return new Inbound(List.of(), List.of(), answer);
    }
}
