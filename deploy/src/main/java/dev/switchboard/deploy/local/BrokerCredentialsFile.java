package dev.switchboard.deploy.local;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import dev.switchboard.schemas.access.BrokerCredentials;

/**
 * The broker passwords of one local data directory, one line per principal ({@code admin}, the broker's own
 * identity, each service, compliance's re-drive principal and each agent), in a properties file only its owner can
 * read. A password is made at random the first time a principal is asked for and kept for the next runs, since the
 * broker stores the SCRAM credentials in its metadata log with the data. A production deployment takes them from its secret store.
 */
final class BrokerCredentialsFile {

    private final Path file;
    private final Map<String, String> passwords = new TreeMap<>();

    private BrokerCredentialsFile(Path file) {
        this.file = file;
    }

    /** The credentials kept in {@code file}, read if it exists (else nothing is written until a password is made). */
    static BrokerCredentialsFile at(Path file) {
        BrokerCredentialsFile credentials = new BrokerCredentialsFile(file);
        if (Files.exists(file)) {
            Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the broker credentials in " + file, e);
            }
            properties.stringPropertyNames().forEach(name -> credentials.passwords.put(name, properties.getProperty(name)));
        }
        return credentials;
    }

    /** Whether the file exists: a data directory formatted without it has credentials nobody knows. */
    static boolean existsAt(Path file) {
        return Files.isRegularFile(file);
    }

    Path file() {
        return file;
    }

    /** The principal's password, made and saved first if it has none. */
    synchronized String password(String principal) {
        String password = passwords.get(principal);
        if (password == null) {
            password = BrokerCredentials.randomPassword();
            passwords.put(principal, password);
            save();
        }
        return password;
    }

    /** Writes every password to a new owner-only file, then moves it over the old one. */
    private void save() {
        StringBuilder text = new StringBuilder("# Broker passwords of this local data directory (SCRAM-SHA-512); made by the launcher.\n");
        passwords.forEach((principal, password) -> text.append(principal).append('=').append(password).append('\n'));
        try {
            Files.createDirectories(file.getParent());
            Path next = file.resolveSibling(file.getFileName() + ".new");
            Files.deleteIfExists(next);
            try {
                Files.createFile(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(next);
            } catch (FileAlreadyExistsException raced) {
                throw new IllegalStateException("another process writes " + next, raced);
            }
            Files.writeString(next, text);
            Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the broker credentials in " + file, e);
        }
    }
}
