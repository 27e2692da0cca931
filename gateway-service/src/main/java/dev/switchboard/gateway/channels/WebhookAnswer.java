package dev.switchboard.gateway.channels;

/** What the gateway answers a platform's webhook request: a status and an optional body. */
public record WebhookAnswer(int status, String mediaType, String body) {

    /** 200 with an empty body, what most platforms expect. */
    public static WebhookAnswer ok() {
        return new WebhookAnswer(200, null, null);
    }

    public static WebhookAnswer ok(String mediaType, String body) {
        return new WebhookAnswer(200, mediaType, body);
    }

    public static WebhookAnswer status(int status) {
        return new WebhookAnswer(status, null, null);
    }
}
