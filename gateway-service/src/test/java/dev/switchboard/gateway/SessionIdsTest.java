package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SessionIdsTest {

    static final byte[] KEY = "a session key of thirty-two bytes!".getBytes(StandardCharsets.UTF_8);
    static final byte[] OTHER_KEY = "another key, also 32 bytes long!!".getBytes(StandardCharsets.UTF_8);

    final SessionIds ids = new SessionIds(KEY);

    @Test
    void isNotTheNameBasedUuidAnyoneCouldCompute() {
        String nameBased = UUID.nameUUIDFromBytes("acme\u0000alice".getBytes(StandardCharsets.UTF_8)).toString();
        assertThat(ids.forPrincipal("acme", "alice")).isNotEqualTo(nameBased).doesNotContain("alice");
    }

    @Test
    void isAVersion8Uuid() {
        UUID id = UUID.fromString(ids.forPrincipal("acme", "alice"));
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void dependsOnTheKey() {
        assertThat(new SessionIds(OTHER_KEY).forPrincipal("acme", "alice")).isNotEqualTo(ids.forPrincipal("acme", "alice"));
        assertThat(new SessionIds(KEY.clone()).forPrincipal("acme", "alice")).isEqualTo(ids.forPrincipal("acme", "alice"));
    }

    @Test
    void theSamePrincipalAlwaysContinuesTheSameSession() {
        assertThat(ids.forPrincipal("acme", "alice")).isEqualTo(ids.forPrincipal("acme", "alice"));
        assertThat(new SessionIds(KEY).forPrincipal("acme", "alice")).as("on another instance")
                .isEqualTo(ids.forPrincipal("acme", "alice"));
    }

    @Test
    void differentPrincipalsHaveDifferentSessions() {
        assertThat(ids.forPrincipal("acme", "alice"))
                .isNotEqualTo(ids.forPrincipal("acme", "bob"))
                .isNotEqualTo(ids.forPrincipal("globex", "alice"))
                .isNotEqualTo(ids.forPrincipal("acme", "Alice"));
        // the separator keeps the boundary between tenant and user
        assertThat(ids.forPrincipal("ab", "c")).isNotEqualTo(ids.forPrincipal("a", "bc"));
    }

    @Test
    void refusesAShortKeyAndExplainsAMissingOne() {
        assertThatThrownBy(() -> new SessionIds(new byte[31])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Hmac.decodeKey("switchboard.gateway.session-key", Optional.empty()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("switchboard.gateway.session-key is not set")
                .hasMessageContaining("SWITCHBOARD_GATEWAY_SESSION_KEY");
        assertThatThrownBy(() -> Hmac.decodeKey("switchboard.gateway.session-key", Optional.of("c2hvcnQ=")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("has 5 bytes");
        assertThatThrownBy(() -> Hmac.decodeKey("switchboard.gateway.session-key", Optional.of("not base64!")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not base64");
    }
}
