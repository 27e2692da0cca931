package dev.switchboard.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real PostgreSQL server of its own that a test stops and starts again, to show what a service does while its
 * database is down: separate from {@link EmbeddedDatabase#shared()}, so that no other test loses its database. It
 * keeps its port and data directory across the outage, as a restarted server does. Use it as a test resource
 * ({@link Resource}) and call {@link #stop()} and {@link #start()} from the test; one server per JVM, its port and
 * directory in the JVM's system properties.
 */
public final class StoppableDatabase {

    private static final String PORT = "switchboard.testkit.stoppable-database.port";
    private static final String DIRECTORY = "switchboard.testkit.stoppable-database.directory";
    private static EmbeddedPostgres server;

    private StoppableDatabase() {
    }

    /** Points a {@code @QuarkusTest}'s default datasource at the stoppable server, started on first use. */
    public static class Resource implements QuarkusTestResourceLifecycleManager {

        @Override
        public Map<String, String> start() {
            ensureStarted();
            return Map.of(
                    "quarkus.datasource.jdbc.url", jdbcUrl(),
                    "quarkus.datasource.username", "postgres",
                    "quarkus.datasource.password", "postgres");
        }

        @Override
        public void stop() {
            // the server stops with the JVM (its shutdown hook), like the shared one
        }
    }

    /** Starts the server on first use in this JVM; later calls (from any class loader) find it. */
    public static synchronized void ensureStarted() {
        if (System.getProperty(PORT) == null) {
            try {
                int port;
                try (ServerSocket socket = new ServerSocket(0)) {
                    port = socket.getLocalPort();
                }
                Path directory = Files.createTempDirectory("stoppable-postgres-");
                System.setProperty(PORT, Integer.toString(port));
                System.setProperty(DIRECTORY, directory.toString());
                start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start a stoppable PostgreSQL server", e);
            }
        }
    }

    /** JDBC URL of its {@code postgres} database. */
    public static String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/postgres";
    }

    /** Stops the server at once, as a crash of the database host would look to clients (a fast shutdown). */
    public static synchronized void stop() {
        if (server == null) {
            throw new IllegalStateException("PostgreSQL was started by another copy of this class ("
                    + StoppableDatabase.class.getClassLoader() + ")");
        }
        try {
            server.close();
            server = null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop PostgreSQL in " + directory(), e);
        }
    }

    /** Starts the server again on its port and data directory, and returns once it accepts connections. */
    public static synchronized void start() {
        try {
            // start() returns once the server accepts connections
            server = EmbeddedPostgres.builder()
                    .setPort(port())
                    .setDataDirectory(directory())
                    .setCleanDataDirectory(false)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start PostgreSQL in " + directory(), e);
        }
    }

    private static int port() {
        return Integer.parseInt(System.getProperty(PORT));
    }

    private static Path directory() {
        return Path.of(System.getProperty(DIRECTORY));
    }
}
