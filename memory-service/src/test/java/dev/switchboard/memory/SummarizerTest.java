package dev.switchboard.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.Role;

class SummarizerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");

    @Test
    void oneLinePerMessageOldestFirstWithTheSpeaker() {
        Summarizer summarizer = new Summarizer(1000, 160);

        String summary = summarizer.fold(null, List.of(
                user("Where is my order #12345? It was due Monday."),
                agent("billing-agent", "It shipped yesterday. Tracking follows."),
                agent(null, "Anything else?"),
                message(Role.SYSTEM, null, "Handed over.")));

        assertThat(summary).isEqualTo("""
                user: Where is my order #12345?
                billing-agent: It shipped yesterday.
                agent: Anything else?
                system: Handed over.""");
    }

    @Test
    void laterFoldsAppendAfterTheEarlierSummary() {
        Summarizer summarizer = new Summarizer(1000, 160);

        String first = summarizer.fold(null, List.of(user("First question.")));
        String second = summarizer.fold(first, List.of(agent("concierge", "First answer.")));

        assertThat(second).isEqualTo("user: First question.\nconcierge: First answer.");
    }

    @Test
    void aGistIsTheFirstSentenceOnOneLineCutToTheLimit() {
        Summarizer summarizer = new Summarizer(1000, 20);

        assertThat(summarizer.gist("  Hello\n\n  there.   Second sentence.")).isEqualTo("Hello there.");
        assertThat(summarizer.gist("Version 3.5 is out and it is a very long line")).isEqualTo("Version 3.5 is out…");
        assertThat(summarizer.gist("Ends with a question?")).isEqualTo("Ends with a questio…");
        assertThat(summarizer.gist("   ")).isEmpty();
    }

    @Test
    void staysWithinTheBoundByDroppingTheOldestLines() {
        Summarizer summarizer = new Summarizer(100, 30);
        String summary = null;
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ChatMessage message = i % 2 == 1 ? user("Question number " + i + ".") : agent("concierge", "Answer " + i + ".");
            summary = summarizer.fold(summary, List.of(message));
            all.add(i % 2 == 1 ? "user: Question number " + i + "." : "concierge: Answer " + i + ".");
            assertThat(summary.length()).isLessThanOrEqualTo(100);
        }

        List<String> lines = List.of(summary.split("\n"));
        // the newest lines, in order, as many as fit
        assertThat(lines).isEqualTo(all.subList(all.size() - lines.size(), all.size()));
        assertThat(lines).last().isEqualTo("concierge: Answer 40.");
        assertThat(lines.size()).isGreaterThan(1);
        String withOneMore = String.join("\n", all.subList(all.size() - lines.size() - 1, all.size()));
        assertThat(withOneMore.length()).isGreaterThan(100);
    }

    @Test
    void aSingleLineLongerThanTheWholeBoundIsCut() {
        Summarizer summarizer = new Summarizer(10, 160);

        String summary = summarizer.fold("user: old", List.of(user("A rather long first sentence")));

        assertThat(summary).isEqualTo("user: A r…").hasSizeLessThanOrEqualTo(10);
    }

    @Test
    void blankMessagesLeaveTheSummaryAsItIs() {
        Summarizer summarizer = new Summarizer(1000, 160);

        assertThat(summarizer.fold(null, List.of(user(" ")))).isNull();
        assertThat(summarizer.fold("user: hi", List.of(user("")))).isEqualTo("user: hi");
    }

    @Test
    void isDeterministic() {
        List<ChatMessage> messages = List.of(user("Can I pay by card? Thanks."), agent("billing-agent", "Yes, you can."));

        assertThat(new Summarizer(100, 20).fold("user: earlier", messages))
                .isEqualTo(new Summarizer(100, 20).fold("user: earlier", messages))
                .isEqualTo("user: earlier\nuser: Can I pay by card?\nbilling-agent: Yes, you can.");
    }

    @Test
    void rejectsEmptyBounds() {
        assertThatThrownBy(() -> new Summarizer(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Summarizer(10, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ChatMessage user(String text) {
        return message(Role.USER, null, text);
    }

    private static ChatMessage agent(String agent, String text) {
        return message(Role.AGENT, agent, text);
    }

    private static ChatMessage message(Role role, String agent, String text) {
        return ChatMessage.newBuilder().setRole(role).setAgent(agent).setText(text).setTurnId("t-1").setAt(T0).build();
    }
}
