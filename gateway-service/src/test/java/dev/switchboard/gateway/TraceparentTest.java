package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TraceparentTest {

    static final String VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void keepsAValidIncomingTraceparent() {
        assertThat(Traceparent.fromHeaderOrNew(VALID)).isEqualTo(VALID);
        assertThat(Traceparent.parse(" " + VALID + " ")).isEqualTo(VALID);
    }

    @Test
    void readsAFutureVersionAsVersion00() {
        assertThat(Traceparent.parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"))
                .isEqualTo(VALID);
    }

    @Test
    void refusesInvalidHeaders() {
        assertThat(Traceparent.parse(null)).isNull();
        assertThat(Traceparent.parse("")).isNull();
        assertThat(Traceparent.parse("garbage")).isNull();
        assertThat(Traceparent.parse(VALID.toUpperCase())).isNull();
        assertThat(Traceparent.parse(VALID + "-extra")).isNull();
        assertThat(Traceparent.parse("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isNull();
        assertThat(Traceparent.parse("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
        assertThat(Traceparent.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isNull();
    }

    @Test
    void generatesAValidNewTraceWhenTheHeaderIsMissingOrInvalid() {
        String generated = Traceparent.fromHeaderOrNew("not-a-traceparent");
        assertThat(Traceparent.parse(generated)).isEqualTo(generated);
        assertThat(generated).startsWith("00-").hasSize(55).isNotEqualTo(Traceparent.fromHeaderOrNew(null));
    }
}
