package dev.switchboard.gateway.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PhoneNumbersTest {

    @Test
    void writesNumbersWithOrWithoutPlusInE164() {
        assertThat(PhoneNumbers.e164("972987654321")).isEqualTo("+972987654321");
        assertThat(PhoneNumbers.e164("+14158675309")).isEqualTo("+14158675309");
        assertThat(PhoneNumbers.e164(" +1 (415) 867-5309 ")).isEqualTo("+14158675309");
    }

    @Test
    void refusesWhatIsNotAPhoneNumber() {
        assertThatThrownBy(() -> PhoneNumbers.e164("not a number")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PhoneNumbers.e164("")).isInstanceOf(IllegalArgumentException.class);
    }
}
