package dev.switchboard.deploy.local;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.switchboard.runtime.security.Roles;
import dev.switchboard.runtime.security.TokenMint;
import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The whole system on one machine: PostgreSQL, a Kafka broker process with the catalog's topics, and
 * the five packaged services, each its own process. Closing it stops everything in reverse order.
 */
public final class LocalStack implements AutoCloseable {

    /** The web chat tenant of the local run and its API key (local use only). */
    public static final String DEMO_TENANT = "demo";
    public static final String DEMO_API_KEY = "demo-key";
    /** A second tenant, so that a newcomer can see that tenants are isolated. */
    public static final String OTHER_TENANT = "globex";
    public static final String OTHER_API_KEY = "globex-key";
    /** How long the tokens the launcher writes at start stay valid. */
    static final Duration TOKEN_LIFETIME = Duration.ofHours(12);

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(150);

    private final LocalSettings settings;
    private final LocalSecrets secrets;
    private EmbeddedPostgres postgres;
    private KafkaBroker broker;
    private final List<ServiceProcess> services = new ArrayList<>();
    private boolean closed;
    private FileChannel runLock;

    /** A stack not started yet: register {@link #close()} (say, as a shutdown hook) before {@link #startAll()}. */
    public LocalStack(LocalSettings settings) {
        this.settings = settings;
        this.secrets = new LocalSecrets(settings.secrets());
    }

    /** Starts everything and returns once every service reports ready; stops what it started if that fails. */
    public static LocalStack start(LocalSettings settings) throws Exception {
        LocalStack stack = new LocalStack(settings);
        try {
            stack.startAll();
            return stack;
        } catch (Exception | Error e) {
            stack.close();
            throw e;
        }
    }

    /** Starts PostgreSQL, the broker, the topics and the services, then waits until every service is ready. */
    public void startAll() throws Exception {
        Files.createDirectories(settings.home());
        lockHome();
        StaleProcesses.stop(settings.home());
        requireFreePorts();
        startInfrastructure();
        for (LocalSettings.ServiceSpec spec : settings.services()) {
            startService(spec);
        }
        for (ServiceProcess service : services) {
            service.awaitReady(READY_TIMEOUT);
        }
    }

    private synchronized void startInfrastructure() throws Exception {
        requireOpen();
        postgres = embeddedPostgres();
        broker = KafkaBroker.start(settings);
        StaleProcesses.record(settings.home(), broker.pid());
        new TopicProvisioner(settings.bootstrapServers(), settings.partitions(), (short) 1, broker.adminProperties())
                .ensure(Topics.all(settings.agents()));
        broker.provisionAccess(settings.agents());
    }

    private EmbeddedPostgres embeddedPostgres() throws IOException {
        return EmbeddedPostgres.builder()
                .setPort(settings.postgresPort())
                .setDataDirectory(settings.home().resolve("postgres"))
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile("postgres.log")))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile("postgres.log")))
                .start();
    }

    private synchronized void startService(LocalSettings.ServiceSpec spec) throws IOException {
        requireOpen();
        dropStateOfAnotherBuild(spec);
        Map<String, String> properties = new HashMap<>(propertiesOf(spec));
        properties.put("quarkus.config.locations", secrets.serviceFile(spec.module(), secretsOf(spec)).toUri().toString());
        ServiceProcess service = ServiceProcess.start(settings, spec, properties);
        services.add(service);
        StaleProcesses.record(settings.home(), service.pid());
    }

    /** One run per data directory: a second one would find its ports taken and its processes "stale". */
    private synchronized void lockHome() throws IOException {
        requireOpen();
        FileChannel channel = FileChannel.open(settings.home().resolve("run.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.tryLock() == null) {
            channel.close();
            throw new IllegalStateException("Switchboard is already running with its data in " + settings.home()
                    + ": stop that run first");
        }
        runLock = channel;
    }

    /**
     * Kafka Streams keeps local state per task; a new build whose topology differs finds task directories
     * of the old one and stops ("Topic ... is unknown to the topology"). The local state of a Streams
     * service is only a cache of its changelog topics, so when the service's jar is not the one the state
     * was built with, the launcher drops it and the service restores it from Kafka. (In production, roll
     * out an incompatible topology change with the Kafka Streams application reset tool.)
     */
    private void dropStateOfAnotherBuild(LocalSettings.ServiceSpec spec) throws IOException {
        Path state = settings.home().resolve("state").resolve(spec.module());
        Path jar = spec.jar(settings.root());
        String build = Files.getLastModifiedTime(jar).toMillis() + ":" + Files.size(jar);
        Path stamp = settings.home().resolve("state").resolve(spec.module() + ".build");
        if (Files.exists(state) && (!Files.exists(stamp) || !Files.readString(stamp).equals(build))) {
            LocalRunner.deleteRecursively(state);
        }
        Files.createDirectories(stamp.getParent());
        Files.writeString(stamp, build);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("Switchboard is stopping");
        }
    }

    /** What a service is told on its command line: nothing secret. */
    private Map<String, String> propertiesOf(LocalSettings.ServiceSpec spec) {
        Map<String, String> properties = new HashMap<>();
        Path state = settings.home().resolve("state").resolve(spec.module());
        properties.put("quarkus.management.port", Integer.toString(spec.managementPort()));
        properties.put("mp.jwt.verify.publickey.location", secrets.tokenPublicKey().toString());
        properties.put("mp.jwt.verify.issuer", TokenMint.LOCAL_ISSUER);
        switch (spec.module()) {
            case "gateway-service" -> {
                properties.put("switchboard.gateway.tenants." + DEMO_TENANT + ".api-key-sha256", sha256(DEMO_API_KEY));
                properties.put("switchboard.gateway.tenants." + OTHER_TENANT + ".api-key-sha256", sha256(OTHER_API_KEY));
                properties.put("kafka-streams.state.dir", state.toString());
            }
            case "compliance-service" -> {
                properties.put("quarkus.datasource.jdbc.url", settings.jdbcUrl());
                properties.put("quarkus.datasource.username", "postgres");
            }
            case "supervisor-service", "memory-service" -> properties.put("kafka-streams.state.dir", state.toString());
            case "agent-service" -> properties.put("switchboard.agent-service.agents", String.join(",", settings.agents()));
            default -> throw new IllegalArgumentException("unknown service " + spec.module());
        }
        properties.putAll(settings.extra().getOrDefault(spec.module(), Map.of()));
        return properties;
    }

    /** What a service reads from its owner-only secrets file: broker password, shared keys. */
    private Map<String, String> secretsOf(LocalSettings.ServiceSpec spec) {
        Map<String, String> secret = new HashMap<>(brokerSecrets(spec.module()));
        switch (spec.module()) {
            case "gateway-service" -> {
                secret.put("switchboard.gateway.session-key", secrets.key("session-key"));
                secret.put("switchboard.gateway.pseudonym-key", secrets.key("pseudonym-key"));
            }
            case "compliance-service" -> {
                secret.put("switchboard.tasks.ticket-key", secrets.key("ticket-key"));
                secret.put("switchboard.compliance.policies.hash-key", hashKey());
                secret.put("quarkus.datasource.password", "postgres");
            }
            case "supervisor-service" -> secret.put("switchboard.tasks.ticket-key", secrets.key("ticket-key"));
            default -> {
                // memory and agent-service need only their broker credentials
            }
        }
        return secret;
    }

    /** The broker credentials of a service (and, for agent-service, of each agent it hosts). */
    private synchronized Map<String, String> brokerSecrets(String module) {
        String principal = switch (module) {
            case "gateway-service" -> BrokerAccess.GATEWAY;
            case "compliance-service" -> BrokerAccess.COMPLIANCE;
            case "supervisor-service" -> BrokerAccess.SUPERVISOR;
            case "memory-service" -> BrokerAccess.MEMORY;
            case "agent-service" -> BrokerAccess.AGENT_SERVICE;
            default -> throw new IllegalArgumentException("unknown service " + module);
        };
        return broker.serviceCredentials(principal, module.equals("agent-service") ? settings.agents() : List.of());
    }

    /**
     * Writes ready-to-use tokens for both local tenants ({@code <home>/tokens/<tenant>-<role>.jwt}), valid for
     * {@link #TOKEN_LIFETIME}; {@code ./switchboard token} mints others.
     */
    public Map<String, Path> writeTokens() throws IOException {
        TokenMint mint = secrets.tokenMint();
        Path dir = settings.home().resolve("tokens");
        Files.createDirectories(dir);
        Map<String, Path> written = new java.util.LinkedHashMap<>();
        for (String tenant : List.of(DEMO_TENANT, OTHER_TENANT)) {
            for (String role : List.of(Roles.OPERATOR, Roles.AUDITOR, Roles.USER)) {
                String subject = role.equals(Roles.USER) ? "alice" : role + "-" + tenant;
                Path file = dir.resolve(tenant + "-" + role + ".jwt");
                Files.writeString(file, mint.mint(subject, tenant, List.of(role), TOKEN_LIFETIME) + "\n");
                written.put(tenant + "-" + role, file);
            }
        }
        Path admin = dir.resolve("admin.jwt");
        Files.writeString(admin, mint.mint("platform-admin", null, List.of(Roles.ADMIN), TOKEN_LIFETIME) + "\n");
        written.put("admin", admin);
        return written;
    }

    /** Mints a token with the local run's keys (made on first use). */
    public String mintToken(String subject, String tenant, String role, Duration lifetime) {
        return tokenMint().mint(subject, tenant, List.of(role), lifetime);
    }

    /** The local run's token signer, for tools and tests that need tokens of their own. */
    public TokenMint tokenMint() {
        return secrets.tokenMint();
    }

    /** Client settings to connect to this stack's broker as {@code principal} (a service, an agent, or admin). */
    public synchronized Map<String, Object> clientProperties(String principal) {
        requireOpen();
        return broker.clientProperties(principal);
    }

    /**
     * The key of compliance's HASH policy for this data directory: made once and kept with the data, so hashed
     * values keep matching across runs (a production deployment takes it from its secret store).
     */
    private String hashKey() {
        Path file = settings.home().resolve("compliance-hash-key");
        try {
            if (!Files.exists(file)) {
                byte[] key = new byte[32];
                new java.security.SecureRandom().nextBytes(key);
                Files.writeString(file, java.util.Base64.getEncoder().encodeToString(key));
            }
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot keep the hash key in " + file, e);
        }
    }

    private void requireFreePorts() {
        List<Integer> ports = Stream.concat(
                        Stream.of(settings.kafkaPort(), settings.controllerPort(), settings.postgresPort()),
                        settings.services().stream().flatMap(spec -> Stream.of(spec.port(), spec.managementPort())))
                .toList();
        List<Integer> busy = ports.stream().filter(port -> !isFree(port)).toList();
        if (!busy.isEmpty()) {
            throw new IllegalStateException("Ports already in use: " + busy.stream().map(String::valueOf)
                    .collect(Collectors.joining(", ")) + ". Stop whatever listens there, or choose other ports.");
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private java.io.File logFile(String name) throws IOException {
        Files.createDirectories(settings.logs());
        return settings.logs().resolve(name).toFile();
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public LocalSettings settings() {
        return settings;
    }

    /**
     * Kills one service's process at once, as a crash would (SIGKILL), for fault tests: it leaves no consumer group,
     * flushes nothing and aborts nothing; {@link #restart} starts it again.
     */
    public void kill(String module) throws InterruptedException {
        ServiceProcess service;
        synchronized (this) {
            service = services.stream().filter(each -> each.module().equals(module)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no running service " + module));
            services.remove(service);
        }
        service.kill();
    }

    /** Kills the broker at once, as a crash would (SIGKILL), for fault tests; {@link #restartBroker} starts it again. */
    public synchronized void killBroker() throws InterruptedException {
        requireOpen();
        broker.kill();
    }

    /** Starts the broker again on its data directory (its topics, credentials and ACLs kept) and waits until it answers. */
    public synchronized void restartBroker() throws IOException, InterruptedException {
        requireOpen();
        broker = KafkaBroker.start(settings);
        StaleProcesses.record(settings.home(), broker.pid());
    }

    /**
     * Pauses the broker's process (SIGSTOP), for fault tests: its connections stay open and nothing answers, as with
     * a broker stuck in a long pause; {@link #resumeBroker} lets it go on (SIGCONT).
     */
    public synchronized void pauseBroker() throws IOException, InterruptedException {
        requireOpen();
        signal("STOP", broker.pid());
    }

    /** Lets a paused broker go on (SIGCONT). */
    public synchronized void resumeBroker() throws IOException, InterruptedException {
        requireOpen();
        signal("CONT", broker.pid());
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** Stops PostgreSQL (a fast shutdown: connections are cut), for fault tests; {@link #startDatabase} starts it again. */
    public synchronized void stopDatabase() throws IOException {
        requireOpen();
        postgres.close();
        postgres = null;
    }

    /** Starts PostgreSQL again on its data directory and port. */
    public synchronized void startDatabase() throws IOException {
        requireOpen();
        postgres = embeddedPostgres();
    }

    /**
     * Starts a killed service again with the same settings, so with the same instance ids (it takes its partitions
     * back as the same static group member), and waits until it is ready.
     */
    public void restart(String module, Duration timeout) throws Exception {
        LocalSettings.ServiceSpec spec = settings.services().stream().filter(each -> each.module().equals(module))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown service " + module));
        startService(spec);
        ServiceProcess service;
        synchronized (this) {
            service = services.get(services.size() - 1);
        }
        service.awaitReady(timeout);
    }

    /**
     * The operating system's process id of each running process of the stack, by name: the services'
     * modules, {@code kafka} and {@code postgresql} (its postmaster; backends are its children). For
     * tools that watch or profile the stack, such as the benchmark.
     */
    public synchronized Map<String, Long> processIds() throws IOException {
        Map<String, Long> pids = new java.util.LinkedHashMap<>();
        services.forEach(service -> pids.put(service.module(), service.pid()));
        if (broker != null) {
            pids.put("kafka", broker.pid());
        }
        Path postmaster = settings.home().resolve("postgres").resolve("postmaster.pid");
        if (postgres != null && Files.isRegularFile(postmaster)) {
            pids.put("postgresql", Long.parseLong(Files.readAllLines(postmaster).get(0).trim()));
        }
        return pids;
    }

    /** Stops the services (in parallel, newest first), then the broker, then PostgreSQL. Idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        List<ServiceProcess> reversed = new ArrayList<>(services);
        java.util.Collections.reverse(reversed);
        reversed.parallelStream().forEach(ServiceProcess::close);
        services.clear();
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (postgres != null) {
            try {
                postgres.close();
            } catch (IOException e) {
                System.err.println("PostgreSQL did not stop cleanly: " + e.getMessage());
            }
            postgres = null;
        }
        if (runLock != null) {
            StaleProcesses.clear(settings.home());
            try {
                runLock.close();
            } catch (IOException e) {
                // released when the launcher exits anyway
            }
            runLock = null;
        }
    }
}
