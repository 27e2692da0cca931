package dev.switchboard.deploy.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import dev.switchboard.runtime.security.TokenMint;

/**
 * The secrets of one local stack, made on first use and kept in {@code <home>/secrets} (readable by the owner
 * only): the token signing key pair, the keys that services share (task tickets, session ids, pseudonyms), and
 * one properties file per service holding that service's secrets. A service reads its file through
 * {@code quarkus.config.locations}, so no secret appears on a command line or in the environment of a process.
 * A production deployment takes the same values from its secret store.
 */
final class LocalSecrets {

    private final Path dir;

    LocalSecrets(Path dir) {
        this.dir = dir;
    }

    /** The stand-in for an OIDC provider: signs the local run's tokens. */
    TokenMint tokenMint() {
        try {
            return TokenMint.keptIn(dir.resolve("jwt"), TokenMint.LOCAL_ISSUER);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the token keys in " + dir, e);
        }
    }

    /** The public key services verify tokens with. */
    Path tokenPublicKey() {
        tokenMint();
        return dir.resolve("jwt").resolve("public-key.pem");
    }

    /** A random 32-byte key, base64, kept under {@code name} so it survives restarts. */
    String key(String name) {
        Path file = dir.resolve(name);
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                writePrivate(file, Base64.getEncoder().encodeToString(key));
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the key " + file, e);
        }
    }

    /** Writes a service's secrets as a properties file only its owner can read, and returns its path. */
    Path serviceFile(String module, Map<String, String> secrets) {
        Path file = dir.resolve(module + ".properties");
        StringBuilder text = new StringBuilder("# Secrets of " + module + " for the local run; made by the launcher.\n");
        new TreeMap<>(secrets).forEach((key, value) -> text.append(escape(key)).append('=').append(escape(value)).append('\n'));
        try {
            writePrivate(file, text.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    /** Writes a file only its owner can read or write (where the file system has POSIX permissions). */
    static void writePrivate(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on file systems without POSIX permissions
        }
        Files.writeString(file, text);
    }

    /** Escapes a key or value for a properties file. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '=', ':', '#', '!' -> out.append('\\').append(c);
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
