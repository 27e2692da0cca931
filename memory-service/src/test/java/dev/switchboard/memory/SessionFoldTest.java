package dev.switchboard.memory;

import static dev.switchboard.memory.TestEvents.reply;
import static dev.switchboard.memory.TestEvents.result;
import static dev.switchboard.memory.TestEvents.turn;
import static dev.switchboard.memory.TestEvents.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.Role;
import dev.switchboard.events.SessionState;

class SessionFoldTest {

    private static final String SESSION = "s-1";
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    private final SessionFold fold = new SessionFold(3);

    @Test
    void turnAppendsUserMessageAndCountsTheTurn() {
        SessionState state = fold.turn(SESSION, turn(SESSION, "t-1", "hello", T0), fold.empty());

        assertThat(state.getSessionId()).isEqualTo(SESSION);
        assertThat(state.getTenant()).isEqualTo(TestEvents.TENANT);
        assertThat(state.getUser()).isEqualTo(TestEvents.USER);
        assertThat(state.getTurns()).isEqualTo(1);
        assertThat(state.getReplies()).isZero();
        assertThat(state.getLastChannel()).isEqualTo("webchat");
        assertThat(state.getLastTurnId()).isEqualTo("t-1");
        assertThat(state.getUpdatedAt()).isEqualTo(T0);
        assertThat(state.getRecent()).singleElement().satisfies(message -> {
            assertThat(message.getRole()).isEqualTo(Role.USER);
            assertThat(message.getText()).isEqualTo("hello");
            assertThat(message.getAgent()).isNull();
            assertThat(message.getTurnId()).isEqualTo("t-1");
            assertThat(message.getAt()).isEqualTo(T0);
        });
    }

    @Test
    void replyAppendsAgentMessageAndCountsTheReply() {
        SessionState afterTurn = fold.turn(SESSION, turn(SESSION, "t-1", "hello", T0), fold.empty());
        SessionState state = fold.reply(SESSION, reply(SESSION, "t-1", "concierge", "hi!", T0.plusSeconds(2)), afterTurn);

        assertThat(state.getTurns()).isEqualTo(1);
        assertThat(state.getReplies()).isEqualTo(1);
        assertThat(state.getUpdatedAt()).isEqualTo(T0.plusSeconds(2));
        assertThat(state.getRecent()).extracting(ChatMessage::getRole).containsExactly(Role.USER, Role.AGENT);
        ChatMessage agentMessage = state.getRecent().get(1);
        assertThat(agentMessage.getText()).isEqualTo("hi!");
        assertThat(agentMessage.getAgent()).isEqualTo("concierge");
        assertThat(agentMessage.getTurnId()).isEqualTo("t-1");
    }

    @Test
    void resultsSumUsageAndSetTheActiveAgent() {
        SessionState state = fold.empty();
        state = fold.result(SESSION, result(SESSION, "t-1", "concierge", usage(100, 20, 2), T0), state);
        state = fold.result(SESSION, result(SESSION, "t-2", "billing-agent", usage(50, 5, 1), T0.plusSeconds(1)), state);

        assertThat(state.getUsage().getInputTokens()).isEqualTo(150);
        assertThat(state.getUsage().getOutputTokens()).isEqualTo(25);
        assertThat(state.getUsage().getIterations()).isEqualTo(3);
        assertThat(state.getActiveAgent()).isEqualTo("billing-agent");
        assertThat(state.getRecent()).isEmpty();
        assertThat(state.getTurns()).isZero();
        assertThat(state.getTenant()).isEqualTo(TestEvents.TENANT);
    }

    @Test
    void keepsOnlyTheLastNMessagesButCountsAll() {
        SessionState state = fold.empty();
        for (int i = 1; i <= 5; i++) {
            state = fold.turn(SESSION, turn(SESSION, "t-" + i, "question " + i, T0.plusSeconds(i)), state);
            state = fold.reply(SESSION, reply(SESSION, "t-" + i, "concierge", "answer " + i, T0.plusSeconds(i)), state);
        }

        assertThat(state.getRecent()).extracting(ChatMessage::getText)
                .containsExactly("answer 4", "question 5", "answer 5");
        assertThat(state.getTurns()).isEqualTo(5);
        assertThat(state.getReplies()).isEqualTo(5);
        assertThat(state.getLastTurnId()).isEqualTo("t-5");
    }

    @Test
    void messagesLeavingTheWindowGoIntoTheSummaryInOrder() {
        SessionState state = fold.empty();
        for (int i = 1; i <= 3; i++) {
            state = fold.turn(SESSION, turn(SESSION, "t-" + i, "Question " + i + "? More.", T0.plusSeconds(i)), state);
            state = fold.reply(SESSION, reply(SESSION, "t-" + i, "concierge", "Answer " + i + ".", T0.plusSeconds(i)), state);
        }

        assertThat(state.getRecent()).extracting(ChatMessage::getText)
                .containsExactly("Answer 2.", "Question 3? More.", "Answer 3.");
        assertThat(state.getSummary()).isEqualTo("user: Question 1?\nconcierge: Answer 1.\nuser: Question 2?");
    }

    @Test
    void noSummaryWhileEverythingFitsTheWindow() {
        SessionState state = fold.turn(SESSION, turn(SESSION, "t-1", "hello", T0), fold.empty());

        assertThat(state.getSummary()).isNull();
        assertThat(state.getFacts()).isEmpty();
    }

    @Test
    void summaryIsBoundedAsConfigured() {
        SessionFold small = new SessionFold(1, new Summarizer(40, 15), new FactExtractor());
        SessionState state = small.empty();
        for (int i = 1; i <= 10; i++) {
            state = small.turn(SESSION, turn(SESSION, "t-" + i, "A long question number " + i, T0.plusSeconds(i)), state);
        }

        assertThat(state.getSummary()).hasSizeLessThanOrEqualTo(40).isEqualTo("user: A long questio…");
    }

    @Test
    void userMessagesYieldFactsAndLaterValuesWin() {
        SessionState state = fold.turn(SESSION, turn(SESSION, "t-1", "My name is Anna, order #11111", T0), fold.empty());
        state = fold.reply(SESSION, reply(SESSION, "t-1", "concierge", "My name is Botty, order #99999", T0), state);
        state = fold.turn(SESSION, turn(SESSION, "t-2", "sorry, order #22222, answer in German", T0.plusSeconds(1)), state);
        state = fold.result(SESSION, result(SESSION, "t-2", "concierge", usage(1, 1, 1), T0.plusSeconds(2)), state);

        assertThat(state.getFacts()).containsExactlyInAnyOrderEntriesOf(
                Map.of("name", "Anna", "order", "22222", "language", "German"));
    }

    @Test
    void leavesTheInputStateUntouched() {
        SessionState before = fold.turn(SESSION, turn(SESSION, "t-1", "hello", T0), fold.empty());
        fold.turn(SESSION, turn(SESSION, "t-2", "again", T0.plusSeconds(1)), before);

        assertThat(before.getRecent()).hasSize(1);
        assertThat(before.getTurns()).isEqualTo(1);
    }

    @Test
    void updateTimeNeverMovesBackwards() {
        SessionState state = fold.reply(SESSION, reply(SESSION, "t-1", "concierge", "late", T0.plusSeconds(5)), fold.empty());
        state = fold.result(SESSION, result(SESSION, "t-1", "concierge", usage(1, 1, 1), T0), state);

        assertThat(state.getUpdatedAt()).isEqualTo(T0.plusSeconds(5));
    }

    @Test
    void rejectsAnEmptyWindow() {
        assertThatThrownBy(() -> new SessionFold(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
