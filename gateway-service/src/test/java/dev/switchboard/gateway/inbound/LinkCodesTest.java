package dev.switchboard.gateway.inbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinkCodesTest {

    @Test
    void generatedCodesAreTenCharactersOfTheAlphabetInTwoGroups() {
        SecureRandom random = new SecureRandom();
        for (int i = 0; i < 200; i++) {
            String code = LinkCodes.generate(random);
            assertThat(code).matches("[" + LinkCodes.ALPHABET + "]{5}-[" + LinkCodes.ALPHABET + "]{5}");
            assertThat(LinkCodes.parse(code)).contains(code.replace("-", ""));
            assertThat(LinkCodes.parse("LINK " + code)).contains(code.replace("-", ""));
        }
    }

    @Test
    void theAlphabetHasNoLookAlikes() {
        assertThat(LinkCodes.ALPHABET).hasSize(30).doesNotContain("0", "O", "1", "I", "L", "U");
    }

    @ParameterizedTest
    @ValueSource(strings = {"LINK 7KQ4M-9XPRT", "link 7kq4m-9xprt", "  Link 7KQ4M 9XPRT ", "LINK 7KQ4M9XPRT",
            "7KQ4M-9XPRT", " 7kq4m-9xprt\n"})
    void acceptsTheDocumentedForms(String text) {
        assertThat(LinkCodes.parse(text)).contains("7KQ4M9XPRT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"strengthen", "STRENGTHEN", "7KQ4M9XPRT", "LINK 7KQ4M-9XPR", "LINK 7KQ4M-9XPRTT",
            "LINK 0KQ4M-9XPRT", "LINK 7KQ4M-9XPRT please", "please LINK 7KQ4M-9XPRT", "LINK", ""})
    void ordinaryMessagesAreNotCodes(String text) {
        assertThat(LinkCodes.parse(text)).isEmpty();
    }

    @Test
    void theDigestIsTheSameForEveryFormOfACode() {
        assertThat(LinkCodes.sha256Hex("7KQ4M-9XPRT"))
                .isEqualTo(LinkCodes.sha256Hex("7KQ4M9XPRT"))
                .isEqualTo(LinkCodes.sha256Hex(LinkCodes.parse("link 7kq4m 9xprt").orElseThrow()))
                .hasSize(64);
        assertThat(LinkCodes.key("acme", "ab12")).isEqualTo("acme/ab12");
    }
}
