package dev.switchboard.compliance;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailRedactorTest {

    final EmailRedactor redactor = new EmailRedactor();

    @Test
    void redactsEveryAddress() {
        var redacted = redactor.redact("Write to alice@example.com or Bob.Smith+tag@mail.example.co.uk, thanks.");
        assertThat(redacted.text()).isEqualTo("Write to [EMAIL] or [EMAIL], thanks.");
        assertThat(redacted.count()).isEqualTo(2);
    }

    @Test
    void leavesTextWithoutAddressesAlone() {
        var redacted = redactor.redact("No address here, just 3 @ 4 and @handle and a@b and user@localhost.");
        assertThat(redacted.text()).isEqualTo("No address here, just 3 @ 4 and @handle and a@b and user@localhost.");
        assertThat(redacted.count()).isZero();
    }

    @Test
    void redactsAnAddressAtTheEdgesAndInPunctuation() {
        assertThat(redactor.redact("x@y.io").text()).isEqualTo("[EMAIL]");
        assertThat(redactor.redact("<carol_o'neil@sub.domain.org>").text()).isEqualTo("<[EMAIL]>");
    }

    @Test
    void nullStaysNull() {
        assertThat(redactor.redact(null).text()).isNull();
    }
}
