package dev.switchboard.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.Map;

import org.junit.jupiter.api.Test;

class FactExtractorTest {

    private final FactExtractor extractor = new FactExtractor();

    @Test
    void nameAfterAnIntroductionWhenCapitalised() {
        assertThat(extractor.extract("Hi, my name is Anna Maria Schmidt and I need help"))
                .containsExactly(entry("name", "Anna Maria Schmidt"));
        assertThat(extractor.extract("I'm Bob.")).containsExactly(entry("name", "Bob"));
        assertThat(extractor.extract("MY NAME IS Zoë")).containsExactly(entry("name", "Zoë"));
        assertThat(extractor.extract("call me Ishmael")).containsExactly(entry("name", "Ishmael"));
        assertThat(extractor.extract("I am [PERSON:3f9a0c1d2e4b]")).containsExactly(entry("name", "[PERSON:3f9a0c1d2e4b]"));
    }

    @Test
    void noNameFromLowerCaseWordsOrLanguages() {
        assertThat(extractor.extract("i am looking for my parcel")).isEmpty();
        assertThat(extractor.extract("I am German")).doesNotContainKey("name");
        assertThat(extractor.extract("I am not sure")).isEmpty();
    }

    @Test
    void orderAndInvoiceNumbers() {
        assertThat(extractor.extract("where is order 12345?")).containsExactly(entry("order", "12345"));
        assertThat(extractor.extract("Order #98765 is late")).containsExactly(entry("order", "98765"));
        assertThat(extractor.extract("invoice no. INV-778 is wrong")).containsExactly(entry("order", "INV-778"));
        assertThat(extractor.extract("about #4711 please")).containsExactly(entry("order", "4711"));
        assertThat(extractor.extract("ticket A-1234 again")).containsExactly(entry("order", "A-1234"));
        assertThat(extractor.extract("order number: AB12CD")).containsExactly(entry("order", "AB12CD"));
    }

    @Test
    void noOrderWithoutANumber() {
        assertThat(extractor.extract("I ordered 3 items, my order is late, #12 is short")).isEmpty();
    }

    @Test
    void theLastMatchInAMessageWins() {
        assertThat(extractor.extract("not order 11111 but #22222")).containsEntry("order", "22222");
        assertThat(extractor.extract("answer in French, no, in German")).containsEntry("language", "German");
    }

    @Test
    void languageTheUserAsksFor() {
        assertThat(extractor.extract("Can you answer in german?")).containsExactly(entry("language", "German"));
        assertThat(extractor.extract("please speak Spanish")).containsExactly(entry("language", "Spanish"));
        assertThat(extractor.extract("bitte auf Deutsch")).containsExactly(entry("language", "German"));
        assertThat(extractor.extract("répondez en français")).containsExactly(entry("language", "French"));
        assertThat(extractor.extract("I live in Berlin")).isEmpty();
    }

    @Test
    void emailAndPhoneAsTheirPlaceholders() {
        assertThat(extractor.extract("reach me at [EMAIL] or [PHONE]"))
                .containsExactly(entry("email", "[EMAIL]"), entry("phone", "[PHONE]"));
        assertThat(extractor.extract("mail [EMAIL:3f9a0c1d2e4b], call [PHONE:0a1b2c3d4e5f]"))
                .containsExactly(entry("email", "[EMAIL:3f9a0c1d2e4b]"), entry("phone", "[PHONE:0a1b2c3d4e5f]"));
        assertThat(extractor.extract("it is j***@example.com")).containsExactly(entry("email", "j***@example.com"));
        assertThat(extractor.extract("mail me at alice@example.com")).isEmpty();
    }

    @Test
    void severalFactsInOneMessage() {
        assertThat(extractor.extract("My name is Anna, order #12345, write to [EMAIL:3f9a0c1d2e4b] in English"))
                .containsExactly(entry("email", "[EMAIL:3f9a0c1d2e4b]"), entry("language", "English"),
                        entry("name", "Anna"), entry("order", "12345"));
    }

    @Test
    void blankTextStatesNothing() {
        assertThat(extractor.extract("")).isEmpty();
        assertThat(extractor.extract(null)).isEmpty();
    }

    @Test
    void laterValuesReplaceEarlierOnes() {
        Map<String, String> merged = FactExtractor.merged(Map.of("order", "11111", "name", "Anna"),
                Map.of("order", "22222"));

        assertThat(merged).containsExactly(entry("name", "Anna"), entry("order", "22222"));
    }
}
