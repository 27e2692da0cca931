package dev.switchboard.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.switchboard.gateway.ApiKeys;

class TenantKeysTest {

    final TenantKeys keys = new TenantKeys(Map.of(
            "acme", ApiKeys.sha256Hex("test-key"),
            "globex", ApiKeys.sha256Hex("globex-key").toUpperCase()));

    @Test
    void aKeyNamesItsTenant() {
        assertThat(keys.tenantOf("test-key")).contains("acme");
        assertThat(keys.tenantOf("globex-key")).contains("globex");
    }

    @Test
    void nothingElseIsAnyTenantsKey() {
        assertThat(keys.tenantOf("test-key ")).isEmpty();
        assertThat(keys.tenantOf("TEST-KEY")).isEmpty();
        assertThat(keys.tenantOf("")).isEmpty();
        assertThat(keys.tenantOf(null)).isEmpty();
        assertThat(keys.tenantOf(ApiKeys.sha256Hex("test-key"))).as("the digest is not the key").isEmpty();
        assertThat(new TenantKeys(Map.of()).tenantOf("test-key")).isEmpty();
    }

    @Test
    void aMalformedDigestFailsAtOnce() {
        assertThatThrownBy(() -> new TenantKeys(Map.of("acme", "abc"))).isInstanceOf(IllegalArgumentException.class);
    }
}
