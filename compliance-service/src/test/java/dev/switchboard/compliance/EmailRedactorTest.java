package dev.switchboard.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.EmailRedactor.Redaction;

class EmailRedactorTest {

    @Test
    void replacesEveryAddressAndCountsThem() {
        Redaction redaction = EmailRedactor.redact(
                "Write to alice@example.com, Bob.Smith+billing@mail.example.co.uk or <x_y-z@sub-domain.example.io>.");
        assertThat(redaction.text()).isEqualTo("Write to [EMAIL], [EMAIL] or <[EMAIL]>.");
        assertThat(redaction.count()).isEqualTo(3);
    }

    @Test
    void leavesTextWithoutAddressesAlone() {
        Redaction redaction = EmailRedactor.redact("Nothing to hide here.");
        assertThat(redaction.text()).isEqualTo("Nothing to hide here.");
        assertThat(redaction.count()).isZero();
    }

    @Test
    void keepsNullAsNull() {
        assertThat(EmailRedactor.redact(null)).isEqualTo(new Redaction(null, 0));
    }

    @Test
    void anAddressAtTheEndOfASentenceKeepsThePeriod() {
        assertThat(EmailRedactor.redact("Mail me: ann@example.com.").text()).isEqualTo("Mail me: [EMAIL].");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "ping @alice on slack",
            "user@localhost is only local",
            "3 apples @ 2.50 each, 1@2.50",
            "the team@ meeting",
            "an address without a domain: bob@",
            "@example.com",
            "a@b.c has a one-letter top-level domain",
            "name@domain-without-dot",
            "version v1.2@3.4",
    })
    void leavesTextThatOnlyLooksLikeAnAddressAlone(String text) {
        Redaction redaction = EmailRedactor.redact(text);
        assertThat(redaction.text()).isEqualTo(text);
        assertThat(redaction.count()).isZero();
    }
}
