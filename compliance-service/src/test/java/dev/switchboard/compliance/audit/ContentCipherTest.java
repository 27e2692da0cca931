package dev.switchboard.compliance.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.GeneralSecurityException;

import org.junit.jupiter.api.Test;

class ContentCipherTest {

    private final byte[] key = ContentCipher.newKey();

    @Test
    void sealedContentOpensWithItsKeyForItsRow() throws Exception {
        String sealed = ContentCipher.seal(key, "{\"text\":\"hello\"}", "acme", "e1");

        assertThat(ContentCipher.isSealed(sealed)).isTrue();
        assertThat(sealed).doesNotContain("hello");
        assertThat(ContentCipher.open(key, sealed, "acme", "e1")).isEqualTo("{\"text\":\"hello\"}");
    }

    @Test
    void twoSealsOfTheSameContentDiffer() {
        assertThat(ContentCipher.seal(key, "x", "acme", "e1")).isNotEqualTo(ContentCipher.seal(key, "x", "acme", "e1"));
    }

    @Test
    void anotherKeyOrAnotherRowOrAnAlteredValueDoesNotOpen() {
        String sealed = ContentCipher.seal(key, "{\"text\":\"hello\"}", "acme", "e1");
        // A character well inside the base64 text: the last ones may carry only padding bits, which decode alike.
        int at = sealed.length() / 2;
        String altered = sealed.substring(0, at) + (sealed.charAt(at) == 'A' ? 'B' : 'A') + sealed.substring(at + 1);

        assertThatThrownBy(() -> ContentCipher.open(ContentCipher.newKey(), sealed, "acme", "e1"))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> ContentCipher.open(key, sealed, "acme", "e2"))
                .isInstanceOf(GeneralSecurityException.class);
        assertThatThrownBy(() -> ContentCipher.open(key, altered, "acme", "e1"))
                .isInstanceOf(GeneralSecurityException.class);
    }

    @Test
    void plainJsonIsNotSealed() {
        assertThat(ContentCipher.isSealed("{\"sessions\":[]}")).isFalse();
    }
}
