package dev.switchboard.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenMintTest {

    @Test
    void tokensAreSignedByTheKeptKeyAndCarryTenantRolesAndExpiry(@TempDir Path dir) throws Exception {
        TokenMint mint = TokenMint.keptIn(dir, TokenMint.LOCAL_ISSUER);
        String token = mint.mint("alice", "demo", List.of(Roles.OPERATOR), Duration.ofHours(1));

        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        assertThat(claims).contains("\"tenant\":\"demo\"", "\"groups\":[\"operator\"]", "\"aud\":\"switchboard\"",
                "\"iss\":\"" + TokenMint.LOCAL_ISSUER + "\"", "\"exp\":");

        // The same keys are read back on the next run, and the public key verifies the signature.
        TokenMint again = TokenMint.keptIn(dir, TokenMint.LOCAL_ISSUER);
        assertThat(again.publicKeyPem()).isEqualTo(mint.publicKeyPem());
        String pem = Files.readString(dir.resolve("public-key.pem"));
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""))));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(key);
        rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();
        assertThat(Files.getPosixFilePermissions(dir.resolve("private-key.pem")))
                .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
