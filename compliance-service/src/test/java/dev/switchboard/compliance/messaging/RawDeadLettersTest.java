package dev.switchboard.compliance.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.TestEvents;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topics;

class RawDeadLettersTest {

    @Test
    void aWithheldTurnKeepsItsIdsAndNoneOfItsText() {
        String session = UUID.randomUUID().toString();
        TurnReceived raw = TestEvents.turn(UUID.randomUUID().toString(), session, "mail carol@example.com today");
        raw.getEnvelope().getPrincipal().setAttributes(Map.of("displayName", "Carol Jones"));

        TurnReceived withheld = RawDeadLetters.withheld(raw);

        assertThat(withheld.getText()).isEqualTo("[withheld: 28 characters]");
        assertThat(withheld.getEnvelope().getEventId()).isEqualTo(raw.getEnvelope().getEventId());
        assertThat(withheld.getEnvelope().getSessionId()).isEqualTo(session);
        assertThat(withheld.getChannelMessageId()).isEqualTo(raw.getChannelMessageId());
        assertThat(withheld.getEnvelope().getPrincipal().getAttributes()).containsOnlyKeys("displayName");
        String bytes = new String(Topics.TURNS_RAW.valueSerde().serializer().serialize(Topics.TURNS_RAW.name(), withheld),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes).doesNotContain("carol").doesNotContain("today").doesNotContain("Jones");
        assertThat(raw.getText()).as("the raw event is not changed").isEqualTo("mail carol@example.com today");
    }

    @Test
    void aWithheldResultHasNoTextInAnyField() {
        AgentResult raw = TestEvents.resultWithAddressesEverywhere(UUID.randomUUID().toString(),
                UUID.randomUUID().toString());

        AgentResult withheld = RawDeadLetters.withheld(raw);

        String bytes = new String(Topics.AGENT_RESULTS_RAW.valueSerde().serializer().serialize(
                Topics.AGENT_RESULTS_RAW.name(), withheld), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(bytes).doesNotContain("@example.org");
        assertThat(withheld.getReply()).startsWith("[withheld: ");
        assertThat(withheld.getHandoff().getTarget()).isEqualTo(raw.getHandoff().getTarget());
        assertThat(withheld.getTaskId()).isEqualTo(raw.getTaskId());
        assertThat(withheld.getSteps()).hasSameSizeAs(raw.getSteps());
    }

    @Test
    void aReasonNamesClassesAndTheSqlStateButQuotesNoMessage() {
        var failure = new IllegalStateException("could not insert 'carol@example.com'",
                new SQLException("value 'carol@example.com' too long", "22001"));

        assertThat(RawDeadLetters.reason("could not be audited", failure))
                .isEqualTo("could not be audited: java.lang.IllegalStateException < java.sql.SQLException (SQL state 22001)");
    }
}
