package dev.switchboard.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import dev.switchboard.runtime.security.Roles;

/**
 * Runs Switchboard on one machine: {@code java -jar deploy/target/switchboard-local.jar [--fresh]} from
 * the repository root. Ctrl-C stops everything; data is kept in {@code .switchboard/} for the next run
 * unless {@code --fresh} is given. {@code token --tenant <t> --role <role> [--user <u>] [--hours <n>]} prints a
 * token signed with the local run's key instead; {@code dead-letters list|show <id>|redrive <id> --tenant <t>} lists,
 * shows or re-drives the running stack's dead letters ({@link DeadLettersCommand}).
 */
public final class LocalRunner {

    private LocalRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("switchboard.root", ".")).toAbsolutePath().normalize();
        LocalSettings settings = LocalSettings.defaults(root);
        if (args.length > 0 && args[0].equals("token")) {
            System.exit(token(settings, java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        if (args.length > 0 && args[0].equals("dead-letters")) {
            System.exit(DeadLettersCommand.run(settings, java.util.Arrays.copyOfRange(args, 1, args.length),
                    System.out, System.err));
        }
        for (String arg : args) {
            switch (arg) {
                case "--fresh" -> deleteRecursively(settings.home());
                case "--help", "-h" -> {
                    System.out.println("Usage: ./switchboard [--fresh]");
                    System.out.println("       ./switchboard token --tenant <tenant> --role <user|operator|auditor|admin> [--user <name>] [--hours <n>]");
                    System.out.println("       ./switchboard dead-letters list|show <id>|redrive <id> --tenant <tenant>");
                    System.out.println("  --fresh       start from empty topics, database and state (deletes .switchboard/)");
                    System.out.println("  token         print a bearer token signed with this machine's local key");
                    System.out.println("  dead-letters  list, show or re-drive a tenant's dead letters on the running stack");
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
        stack.writeTokens();
        System.out.println(banner(settings));
        stopped.await();
    }

    static String banner(LocalSettings s) {
        String tokens = s.root().relativize(s.home().resolve("tokens")).toString();
        return String.join("\n",
                "  web chat API  http://localhost:" + s.port("gateway-service") + "   (tenant '" + LocalStack.DEMO_TENANT
                        + "', header X-Api-Key: " + LocalStack.DEMO_API_KEY + "; tenant '" + LocalStack.OTHER_TENANT
                        + "': " + LocalStack.OTHER_API_KEY + ")",
                "  compliance    http://localhost:" + s.port("compliance-service") + "/v1/tenants/demo/audit/...",
                "  supervisor    http://localhost:" + s.port("supervisor-service") + "/v1/tenants/demo/budgets",
                "  memory        http://localhost:" + s.port("memory-service") + "/v1/tenants/demo/sessions/{sessionId}",
                "  health        http://localhost:{port + 1000}/q/health (management interfaces, no token)",
                "  Kafka         " + s.bootstrapServers() + " (SASL/SCRAM, ACLs)   PostgreSQL " + s.jdbcUrl(),
                "",
                "Tokens for both tenants (operator, auditor, user) and the platform admin, valid "
                        + LocalStack.TOKEN_LIFETIME.toHours() + " h, are in " + tokens + "/; for others:",
                "  ./switchboard token --tenant demo --role auditor",
                "",
                "Try:",
                "  curl -s -X POST 'http://localhost:" + s.port("gateway-service") + "/v1/tenants/demo/messages?wait=10' \\",
                "       -H 'X-Api-Key: demo-key' -H 'Content-Type: application/json' \\",
                "       -d '{\"user\":\"alice\",\"text\":\"Hello, I am alice@example.com\"}'",
                "  curl -s http://localhost:" + s.port("supervisor-service") + "/v1/tenants/demo/budgets \\",
                "       -H \"Authorization: Bearer $(cat " + tokens + "/demo-auditor.jwt)\"",
                "",
                "Press Ctrl-C to stop.");
    }

    /** {@code token --tenant <t> --role <role> [--user <u>] [--hours <n>]}: prints a token; 0 on success, 2 on misuse. */
    static int token(LocalSettings settings, String[] args) {
        String tenant = null;
        String role = null;
        String user = null;
        long hours = 12;
        try {
            for (int i = 0; i < args.length; i++) {
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (args[i]) {
                    case "--tenant" -> tenant = value;
                    case "--role" -> role = value;
                    case "--user" -> user = value;
                    case "--hours" -> hours = Long.parseLong(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
                i++;
            }
            java.util.List<String> roles = java.util.List.of(Roles.USER, Roles.OPERATOR, Roles.AUDITOR, Roles.ADMIN);
            if (role == null || !roles.contains(role)) {
                throw new IllegalArgumentException("--role must be one of " + roles);
            }
            if (role.equals(Roles.ADMIN) != (tenant == null)) {
                throw new IllegalArgumentException(role.equals(Roles.ADMIN)
                        ? "a platform admin belongs to no tenant: leave out --tenant" : "--tenant is required");
            }
            if (hours < 1 || hours > 24 * 30) {
                throw new IllegalArgumentException("--hours must be between 1 and 720");
            }
        } catch (RuntimeException e) {
            System.err.println("switchboard token: " + e.getMessage());
            System.err.println("Usage: ./switchboard token --tenant <tenant> --role <user|operator|auditor|admin> [--user <name>] [--hours <n>]");
            return 2;
        }
        String subject = user != null ? user : tenant == null ? "platform-admin" : role + "-" + tenant;
        System.out.println(new LocalStack(settings).mintToken(subject, tenant, role, java.time.Duration.ofHours(hours)));
        return 0;
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
