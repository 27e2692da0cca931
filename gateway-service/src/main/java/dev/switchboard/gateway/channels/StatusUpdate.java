package dev.switchboard.gateway.channels;

/**
 * What a platform says became of a message the gateway sent.
 *
 * @param platformMessageId the platform's id of the sent message, as {@link Channel#deliver} returned it
 * @param state             delivered to the user's device, read, or failed
 * @param detail            the platform's words (an error code and title for a failure), or null
 */
public record StatusUpdate(String platformMessageId, State state, String detail) {

    public enum State {
        DELIVERED, READ, FAILED
    }
}
