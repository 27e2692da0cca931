package dev.switchboard.gateway.channels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SignaturesTest {

    @Test
    void comparesExactly() {
        assertThat(Signatures.constantTimeEquals("abc", "abc")).isTrue();
        assertThat(Signatures.constantTimeEquals("abc", "abd")).isFalse();
        assertThat(Signatures.constantTimeEquals("abc", "abcd")).isFalse();
        assertThat(Signatures.constantTimeEquals("abc", null)).isFalse();
        assertThat(Signatures.constantTimeEquals(null, null)).isFalse();
    }

    @Test
    void readsFormBodiesWithRepeatedAndEncodedParameters() {
        Map<String, List<String>> form = FormBody.parse("Body=Hello%2C+world&From=%2B14158675309&Tag=a&Tag=b&Empty=");
        assertThat(form).containsEntry("Body", List.of("Hello, world"))
                .containsEntry("From", List.of("+14158675309"))
                .containsEntry("Tag", List.of("a", "b"))
                .containsEntry("Empty", List.of(""));
        assertThat(FormBody.parse(FormBody.encode(Map.of("Body", "a+b & c=d")))).containsEntry("Body", List.of("a+b & c=d"));
    }
}
