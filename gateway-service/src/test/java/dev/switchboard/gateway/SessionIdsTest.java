package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SessionIdsTest {

    @Test
    void isTheNameBasedUuidOfTenantNulUser() {
        String expected = UUID.nameUUIDFromBytes("acme\u0000alice".getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(SessionIds.forPrincipal("acme", "alice")).isEqualTo(expected);
        assertThat(UUID.fromString(SessionIds.forPrincipal("acme", "alice")).version()).isEqualTo(3);
    }

    @Test
    void theSamePrincipalAlwaysContinuesTheSameSession() {
        assertThat(SessionIds.forPrincipal("acme", "alice")).isEqualTo(SessionIds.forPrincipal("acme", "alice"));
    }

    @Test
    void differentPrincipalsHaveDifferentSessions() {
        assertThat(SessionIds.forPrincipal("acme", "alice"))
                .isNotEqualTo(SessionIds.forPrincipal("acme", "bob"))
                .isNotEqualTo(SessionIds.forPrincipal("globex", "alice"))
                .isNotEqualTo(SessionIds.forPrincipal("acme", "Alice"));
        // the separator keeps the boundary between tenant and user
        assertThat(SessionIds.forPrincipal("ab", "c")).isNotEqualTo(SessionIds.forPrincipal("a", "bc"));
    }
}
