package dev.switchboard.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Remembers the processes a run started, so that the next run can stop any left behind when a run
 * was killed without the chance to clean up (kill -9, a closed terminal).
 */
final class StaleProcesses {

    private static final String FILE = "pids";

    private StaleProcesses() {
    }

    /** Adds a started process to the record. */
    static void record(Path home, long pid) throws IOException {
        Files.writeString(home.resolve(FILE), pid + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /**
     * Stops the processes a previous run recorded, newest first, and last a PostgreSQL it left running on
     * our data directory.
     */
    static void stop(Path home) throws IOException {
        Path file = home.resolve(FILE);
        List<Long> pids = new ArrayList<>();
        if (Files.exists(file)) {
            Files.readAllLines(file).stream().filter(line -> !line.isBlank()).map(String::strip)
                    .map(Long::parseLong).forEach(pids::add);
        }
        // Newest first, as a clean stop does: the services, then the broker they need to leave their groups.
        java.util.Collections.reverse(pids);
        Path postmaster = home.resolve("postgres").resolve("postmaster.pid");
        if (Files.exists(postmaster)) {
            Files.readAllLines(postmaster).stream().findFirst().map(String::strip).map(Long::parseLong).ifPresent(pids::add);
        }
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isPresent() && handle.get().isAlive() && looksLikeOurs(handle.get())) {
                System.out.println("Stopping process " + pid + " left by an earlier run");
                handle.get().destroy();
                try {
                    handle.get().onExit().get(Duration.ofSeconds(20).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    handle.get().destroyForcibly();
                }
            }
        }
        Files.deleteIfExists(file);
    }

    private static boolean looksLikeOurs(ProcessHandle handle) {
        String command = handle.info().commandLine().orElse("");
        return command.contains("quarkus-run.jar") || command.contains("kafka.Kafka") || command.contains("postgres");
    }

    static void clear(Path home) {
        try {
            Files.deleteIfExists(home.resolve(FILE));
        } catch (IOException e) {
            // nothing left to stop
        }
    }
}
