package dev.switchboard.deploy.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One packaged Quarkus service run as its own process, in the prod profile, configured by system properties. */
final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String module;
    private final int managementPort;
    private final Process process;
    private final Path log;

    private ServiceProcess(String module, int managementPort, Process process, Path log) {
        this.module = module;
        this.managementPort = managementPort;
        this.process = process;
        this.log = log;
    }

    static ServiceProcess start(LocalSettings settings, LocalSettings.ServiceSpec spec, Map<String, String> properties)
            throws IOException {
        Path jar = spec.jar(settings.root());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build the services first (./mvnw package -DskipTests)");
        }
        Files.createDirectories(settings.logs());
        Path log = settings.logs().resolve(spec.module() + ".log");
        List<String> command = new ArrayList<>(List.of(Processes.javaBin(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-Dquarkus.http.port=" + spec.port(),
                "-Dkafka.bootstrap.servers=" + settings.bootstrapServers()));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar.toString()));
        Process process = new ProcessBuilder(Processes.detached(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ServiceProcess(spec.module(), spec.managementPort(), process, log);
    }

    /**
     * Waits until all the service's health checks answer UP (Kafka, database, topics) and no Kafka Streams
     * client in it is still rebalancing: Quarkus counts REBALANCING as healthy, but a turn sent then would
     * wait for the rebalance to end.
     */
    void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + managementPort + "/q/health"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<String> response = HTTP.send(ready, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && !response.body().contains("\"REBALANCING\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(module + " was not ready within " + timeout.toSeconds() + " s; see " + log);
    }

    long pid() {
        return process.pid();
    }

    /** Kills the process at once, as a crash would (SIGKILL: no shutdown hooks, nothing flushed or closed). */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException(module + " did not die within 30 s of SIGKILL");
        }
    }

    String module() {
        return module;
    }

    @Override
    public void close() {
        Processes.stop(process, module, Duration.ofSeconds(20));
    }
}
