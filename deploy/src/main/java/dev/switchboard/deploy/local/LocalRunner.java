package dev.switchboard.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

/**
 * Runs Switchboard on one machine: {@code java -jar deploy/target/switchboard-local.jar [--fresh]} from
 * the repository root. Ctrl-C stops everything; data is kept in {@code .switchboard/} for the next run
 * unless {@code --fresh} is given.
 */
public final class LocalRunner {

    private LocalRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("switchboard.root", ".")).toAbsolutePath().normalize();
        LocalSettings settings = LocalSettings.defaults(root);
        for (String arg : args) {
            switch (arg) {
                case "--fresh" -> deleteRecursively(settings.home());
                case "--help", "-h" -> {
                    System.out.println("Usage: java -jar deploy/target/switchboard-local.jar [--fresh]");
                    System.out.println("  --fresh  start from empty topics, database and state (deletes .switchboard/)");
                    return;
                }
                default -> {
                    System.err.println("Unknown argument: " + arg + " (try --help)");
                    System.exit(2);
                }
            }
        }
        long started = System.nanoTime();
        System.out.println("Starting Switchboard: PostgreSQL, a Kafka broker and five services (logs in "
                + settings.logs() + ") ...");
        LocalStack stack = new LocalStack(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        // Registered before anything starts, so that Ctrl-C during start-up stops what was started.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("\nStopping Switchboard ...");
            stack.close();
            System.out.println("Stopped.");
            stopped.countDown();
        }, "switchboard-stop"));
        try {
            stack.startAll();
        } catch (Exception e) {
            System.err.println("Switchboard did not start: " + e.getMessage());
            System.exit(1);
        }
        System.out.printf("%nSwitchboard is up in %.1f s.%n", (System.nanoTime() - started) / 1e9);
        System.out.println(banner(settings));
        stopped.await();
    }

    static String banner(LocalSettings s) {
        return String.join("\n",
                "  web chat API  http://localhost:" + s.port("gateway-service") + "   (tenant '" + LocalStack.DEMO_TENANT
                        + "', header X-Api-Key: " + LocalStack.DEMO_API_KEY + ")",
                "  memory        http://localhost:" + s.port("memory-service") + "/v1/sessions/{sessionId}",
                "  audit         http://localhost:" + s.port("compliance-service") + "/v1/audit/sessions/{sessionId}",
                "  budgets       http://localhost:" + s.port("supervisor-service") + "/v1/budgets/tenants/" + LocalStack.DEMO_TENANT
                        + "   (operator key for policies and releases: " + LocalStack.DEMO_OPERATOR_KEY + ")",
                "  Kafka         " + s.bootstrapServers() + "   PostgreSQL " + s.jdbcUrl(),
                "",
                "Try:",
                "  curl -s -X POST 'http://localhost:" + s.port("gateway-service") + "/v1/tenants/demo/messages?wait=10' \\",
                "       -H 'X-Api-Key: demo-key' -H 'Content-Type: application/json' \\",
                "       -d '{\"user\":\"alice\",\"text\":\"Hello, I am alice@example.com\"}'",
                "",
                "Press Ctrl-C to stop.");
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
