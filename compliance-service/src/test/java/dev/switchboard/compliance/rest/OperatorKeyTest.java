package dev.switchboard.compliance.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class OperatorKeyTest {

    /** SHA-256 of "secret". */
    private static final String DIGEST = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";

    @Test
    void withoutAConfiguredDigestTheEndpointsAreOff() {
        assertThat(new OperatorKey(Optional.empty()).refusal("Bearer secret").getStatus()).isEqualTo(403);
    }

    @Test
    void onlyTheKeyWhoseDigestIsConfiguredPasses() {
        OperatorKey key = new OperatorKey(Optional.of(DIGEST));

        assertThat(key.refusal("Bearer secret")).isNull();
        assertThat(key.refusal("Bearer other").getStatus()).isEqualTo(401);
        assertThat(key.refusal("secret").getStatus()).isEqualTo(401);
        assertThat(key.refusal(null).getStatus()).isEqualTo(401);
    }
}
