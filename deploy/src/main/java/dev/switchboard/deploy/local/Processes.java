package dev.switchboard.deploy.local;

import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Child processes of the launcher: which java, which class path, and how they stop. */
final class Processes {

    private Processes() {
    }

    private static final Path SETSID = Path.of("/usr/bin/setsid");

    /** The java executable of the running JVM. */
    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The command that starts a child in a session of its own where {@code setsid} exists (Linux), so
     * that a terminal's Ctrl-C reaches only the launcher, which then stops the services before the
     * broker they need to leave their consumer groups and finish their transactions. {@code setsid}
     * execs in place, so the child keeps its pid.
     */
    static List<String> detached(List<String> command) {
        if (!Files.isExecutable(SETSID)) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(command.size() + 1);
        wrapped.add(SETSID.toString());
        wrapped.addAll(command);
        return wrapped;
    }

    /**
     * The class path of the running launcher, expanded: when started with {@code java -jar}, the jar's
     * manifest names its dependencies in {@code lib/} next to it.
     */
    static String classPath() {
        String classPath = System.getProperty("java.class.path");
        try {
            Path self = Path.of(Processes.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path lib = self.getParent().resolve("lib");
            if (Files.isRegularFile(self) && Files.isDirectory(lib)) {
                return self + File.pathSeparator + lib + File.separator + "*";
            }
        } catch (URISyntaxException e) {
            // fall back to the class path as given
        }
        return classPath;
    }

    /** SIGTERM, then a bounded wait, then SIGKILL: a process never outlives the launcher. */
    static void stop(Process process, String name, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                System.err.println(name + " did not stop within " + grace.toSeconds() + " s; killing it");
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
