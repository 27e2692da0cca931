package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiKeysTest {

    // printf %s test-key | sha256sum
    static final String TEST_KEY_SHA256 = "62af8704764faf8ea82fc61ce9c4c3908b6cb97d463a634e9e587d7c885db0ef";

    @Test
    void hashesAKeyToTheHexDigestThatSha256sumPrints() {
        assertThat(ApiKeys.sha256Hex("test-key")).isEqualTo(TEST_KEY_SHA256);
    }

    @Test
    void readsDigestsInEitherCase() {
        assertThat(ApiKeys.parseDigest(TEST_KEY_SHA256.toUpperCase()))
                .isEqualTo(ApiKeys.parseDigest(TEST_KEY_SHA256))
                .isEqualTo(ApiKeys.sha256("test-key"));
    }

    @Test
    void refusesADigestThatIsNotSha256Hex() {
        assertThatThrownBy(() -> ApiKeys.parseDigest("abc")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.parseDigest("z".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ApiKeys.parseDigest(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
