package dev.switchboard.memory;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.SessionState;
import dev.switchboard.schemas.Topics;

class StateSizeLimitTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final int LIMIT = 2048;

    private final Summarizer summarizer = new Summarizer(1000, 160);
    private final SessionFold fold = new SessionFold(20, summarizer, new FactExtractor());
    private final StateSizeLimit limit = new StateSizeLimit(LIMIT, summarizer, StateSizeLimitTest::encodedSize);

    @Test
    void aStateWithinTheLimitIsLeftAlone() {
        SessionState state = fold.turn("s-1", turn("s-1", "t-1", "hello", T0), fold.empty());
        assertThat(limit.bounded(state)).isSameAs(state);
    }

    @Test
    void theOldestMessagesGoIntoTheSummaryFirst() {
        SessionState state = fold.empty();
        for (int i = 1; i <= 6; i++) {
            state = fold.turn("s-1", turn("s-1", "t-" + i, "Question " + i + "? " + "y".repeat(500), T0), state);
        }
        state = fold.reply("s-1", reply("s-1", "t-6", "concierge", "Answer.", T0), state);
        assertThat(encodedSize(state)).isGreaterThan(LIMIT);

        SessionState bounded = limit.bounded(state);
        assertThat(encodedSize(bounded)).isLessThanOrEqualTo(LIMIT);
        assertThat(bounded.getRecent()).extracting(ChatMessage::getText).last().isEqualTo("Answer.");
        assertThat(bounded.getRecent().get(0).getTurnId()).isNotEqualTo("t-1");
        assertThat(bounded.getSummary()).startsWith("user: Question 1?");
        assertThat(bounded.getTurns()).isEqualTo(6);
        assertThat(bounded.getReplies()).isEqualTo(1);
        assertThat(state.getRecent()).as("the input is not modified").hasSize(7);
    }

    @Test
    void oneMessageOverTheLimitIsCut() {
        SessionState state = fold.turn("s-1", turn("s-1", "t-1", "z".repeat(5000), T0), fold.empty());
        SessionState bounded = limit.bounded(state);
        assertThat(encodedSize(bounded)).isLessThanOrEqualTo(LIMIT);
        assertThat(bounded.getRecent()).singleElement().satisfies(message -> {
            assertThat(message.getText()).startsWith("zzz").endsWith(StateSizeLimit.CUT);
            assertThat(message.getTurnId()).isEqualTo("t-1");
        });
    }

    @Test
    void aLimitBelowOneKilobyteIsRefused() {
        assertThatThrownBy(() -> new StateSizeLimit(100, summarizer, StateSizeLimitTest::encodedSize))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static int encodedSize(SessionState state) {
        return Topics.SESSIONS_STATE.valueSerde().serializer().serialize(Topics.SESSIONS_STATE.name(), state).length;
    }
}
