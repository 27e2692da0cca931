package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InboundMessageTest {

    @Test
    void acceptsAPlainMessage() {
        assertThatCode(() -> new InboundMessage("alice", "hello", null).validate(4000)).doesNotThrowAnyException();
        assertThatCode(() -> new InboundMessage("a".repeat(128), "x".repeat(4000), "m-1").validate(4000))
                .doesNotThrowAnyException();
    }

    @Test
    void requiresUserAndText() {
        assertRefused(new InboundMessage(null, "hello", null), InvalidMessageException.MISSING_FIELD, "user");
        assertRefused(new InboundMessage(" ", "hello", null), InvalidMessageException.MISSING_FIELD, "user");
        assertRefused(new InboundMessage("alice", null, null), InvalidMessageException.MISSING_FIELD, "text");
        assertRefused(new InboundMessage("alice", "\n\t ", null), InvalidMessageException.MISSING_FIELD, "text");
    }

    @Test
    void refusesLongUserIdsAndControlCharacters() {
        assertRefused(new InboundMessage("a".repeat(129), "hello", null), InvalidMessageException.INVALID_FIELD, "128");
        assertRefused(new InboundMessage("ali\u0000ce", "hello", null), InvalidMessageException.INVALID_FIELD,
                "control characters");
        assertRefused(new InboundMessage("alice\n", "hello", null), InvalidMessageException.INVALID_FIELD,
                "control characters");
        assertRefused(new InboundMessage("alice", "hello", "x".repeat(257)), InvalidMessageException.INVALID_FIELD,
                "messageId");
    }

    @Test
    void countsTextInCharactersAgainstTheConfiguredLimit() {
        assertRefused(new InboundMessage("alice", "x".repeat(11), null), InvalidMessageException.TEXT_TOO_LONG,
                "the limit is 10 characters");
        // ten emoji are twenty UTF-16 units but ten characters
        assertThatCode(() -> new InboundMessage("alice", "\uD83D\uDE00".repeat(10), null).validate(10))
                .doesNotThrowAnyException();
    }

    private static void assertRefused(InboundMessage message, String error, String mentioned) {
        assertThatThrownBy(() -> message.validate(10))
                .isInstanceOfSatisfying(InvalidMessageException.class,
                        e -> assertThat(e.code()).isEqualTo(error))
                .hasMessageContaining(mentioned);
    }
}
