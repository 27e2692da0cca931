package dev.switchboard.gateway;

import java.util.UUID;

/**
 * A message as a channel hands it to the gateway.
 *
 * @param user      the tenant's canonical id of the user who wrote it (from the body when a tenant's backend sends it
 *                  with the API key; from the token when the user sends it)
 * @param text      what the user wrote
 * @param messageId the client's own id of the message, unique among its user's messages: a message sent again with
 *                  the same id is the same turn (processed once); the gateway makes one up when there is none
 */
public record InboundMessage(String user, String text, String messageId) {

    /** Longest accepted user id, in characters. */
    public static final int MAX_USER_LENGTH = 128;
    /** Longest accepted channel message id, in characters. */
    public static final int MAX_MESSAGE_ID_LENGTH = 256;

    /** The same message, written by {@code user}. */
    public InboundMessage forUser(String user) {
        return new InboundMessage(user, text, messageId);
    }

    /** The same message with a new random message id if it had none, so that the client can send it again. */
    public InboundMessage withMessageId() {
        return messageId != null ? this : new InboundMessage(user, text, UUID.randomUUID().toString());
    }

    /**
     * Checks the message against the gateway's rules.
     *
     * @throws InvalidMessageException naming the field and the rule it breaks
     */
    public void validate(int maxTextLength) {
        requireText("user", user);
        requireText("text", text);
        if (user.length() > MAX_USER_LENGTH) {
            throw new InvalidMessageException(InvalidMessageException.INVALID_FIELD,
                    "user is " + user.length() + " characters long; the limit is " + MAX_USER_LENGTH);
        }
        if (hasControlCharacter(user)) {
            throw new InvalidMessageException(InvalidMessageException.INVALID_FIELD,
                    "user must not contain control characters");
        }
        if (messageId != null) {
            if (messageId.isBlank() || messageId.length() > MAX_MESSAGE_ID_LENGTH || hasControlCharacter(messageId)) {
                throw new InvalidMessageException(InvalidMessageException.INVALID_FIELD,
                        "messageId, when given, must be 1 to " + MAX_MESSAGE_ID_LENGTH
                                + " characters without control characters");
            }
        }
        int length = text.codePointCount(0, text.length());
        if (length > maxTextLength) {
            throw new InvalidMessageException(InvalidMessageException.TEXT_TOO_LONG,
                    "text is " + length + " characters long; the limit is " + maxTextLength + " characters");
        }
    }

    private static void requireText(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidMessageException(InvalidMessageException.MISSING_FIELD,
                    field + " is required and must not be blank");
        }
    }

    private static boolean hasControlCharacter(String value) {
        return value.codePoints().anyMatch(Character::isISOControl);
    }
}
