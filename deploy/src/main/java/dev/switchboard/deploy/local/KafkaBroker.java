package dev.switchboard.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.plain.PlainLoginModule;

import dev.switchboard.schemas.access.AccessProvisioner;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;
import dev.switchboard.schemas.access.BrokerPrincipal;

/**
 * A single-node Apache Kafka broker in KRaft combined mode, run as its own process from the Kafka
 * jars on this launcher's class path. Its log directory is kept between runs; it is formatted once.
 *
 * <p>Secured as in production: clients authenticate with SASL/SCRAM-SHA-512 on the client listener, and
 * {@code StandardAuthorizer} enforces the catalog's ACLs ({@link BrokerAccess}; no access without an ACL).
 * The super users are {@code admin} (provisioning only) and {@code broker}, the broker's own identity: SCRAM
 * between brokers, SASL/PLAIN to its controller (KRaft controllers cannot use SCRAM, whose credentials live in
 * the metadata they serve). Both SCRAM credentials are written at format time; {@link #provisionAccess} adds
 * the services', the re-drive and the agents' principals. Passwords are kept in
 * {@code <home>/kafka/credentials.properties}.
 */
final class KafkaBroker implements AutoCloseable {

    /** The broker's own principal, for its inter-broker and controller connections. */
    static final String BROKER_USER = "broker";
    private static final String CLIENT_LISTENER = "CLIENT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Process process;
    private final String bootstrapServers;
    private final BrokerCredentialsFile credentials;

    private KafkaBroker(Process process, String bootstrapServers, BrokerCredentialsFile credentials) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.credentials = credentials;
    }

    /**
     * Formats the log directory if needed (with the {@code admin} and {@code broker} SCRAM credentials), starts
     * the broker and waits until {@code admin} can reach it. A log directory formatted before the broker had
     * authentication (no credentials file) is formatted anew: its credentials are unknown.
     */
    static KafkaBroker start(LocalSettings settings) throws IOException, InterruptedException {
        Path dir = settings.home().resolve("kafka");
        Path data = dir.resolve("data");
        Path credentialsFile = dir.resolve("credentials.properties");
        if (Files.exists(data.resolve("meta.properties")) && !BrokerCredentialsFile.existsAt(credentialsFile)) {
            System.out.println("The Kafka data in " + data + " has no broker credentials (made before authentication"
                    + " was added): formatting it anew, its topics start empty.");
            LocalRunner.deleteRecursively(data);
        }
        Files.createDirectories(data);
        Files.createDirectories(settings.logs());
        BrokerCredentialsFile credentials = BrokerCredentialsFile.at(credentialsFile);
        String adminPassword = credentials.password(BrokerAccess.ADMIN);
        String brokerPassword = credentials.password(BROKER_USER);
        Path config = dir.resolve("server.properties");
        LocalSecrets.writePrivate(config, serverProperties(settings, data, brokerPassword));
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, LOG4J);

        if (!Files.exists(data.resolve("meta.properties"))) {
            Process format = java(List.of("kafka.tools.StorageTool", "format", "--standalone",
                    "-t", Uuid.randomUuid().toString(), "-c", config.toString(),
                    "--add-scram", scram(BrokerAccess.ADMIN, adminPassword),
                    "--add-scram", scram(BROKER_USER, brokerPassword)), log4j)
                    .redirectErrorStream(true)
                    .redirectOutput(settings.logs().resolve("kafka-format.log").toFile())
                    .start();
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                throw new IllegalStateException("Formatting the Kafka log directory failed; see "
                        + settings.logs().resolve("kafka-format.log"));
            }
        }
        Process broker = java(List.of("kafka.Kafka", config.toString()), log4j)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(settings.logs().resolve("kafka.log").toFile()))
                .start();
        KafkaBroker started = new KafkaBroker(broker, settings.bootstrapServers(), credentials);
        try {
            started.awaitReady(Duration.ofSeconds(60), settings.logs().resolve("kafka.log"));
        } catch (RuntimeException | InterruptedException e) {
            started.close();
            throw e;
        }
        return started;
    }

    /**
     * Gives the broker the SCRAM credentials and ACLs of the five services, of compliance's re-drive principal and of
     * these agents (idempotent; call it after {@link #start}, before the services start, and again when agents are
     * added).
     */
    void provisionAccess(Collection<String> agentIds) {
        Map<String, String> passwords = new HashMap<>();
        for (BrokerPrincipal principal : BrokerAccess.principals(agentIds)) {
            passwords.put(principal.name(), credentials.password(principal.name()));
        }
        new AccessProvisioner(adminProperties()).ensure(agentIds, passwords);
    }

    /** The password of a principal of this data directory (made and kept on first use). */
    String password(String principal) {
        return credentials.password(principal);
    }

    /** Client settings (bootstrap servers and SASL) to connect as {@code principal}. */
    Map<String, Object> clientProperties(String principal) {
        return BrokerCredentials.clientProperties(bootstrapServers, principal, password(principal));
    }

    /** Client settings to connect as the super user {@code admin}: topic and access provisioning, test harnesses. */
    Map<String, Object> adminProperties() {
        return clientProperties(BrokerAccess.ADMIN);
    }

    /**
     * The configuration that connects a service as {@code principal}: {@code switchboard.kafka.username},
     * {@code switchboard.kafka.password}, for each hosted agent {@code switchboard.kafka.agents."<id>".password}, and
     * for compliance the re-drive principal's {@code switchboard.kafka.redrive.password} (secrets: pass them in the
     * service's owner-only file, never on a command line).
     */
    Map<String, String> serviceCredentials(String principal, Collection<String> hostedAgents) {
        Map<String, String> config = new HashMap<>();
        config.put("switchboard.kafka.username", principal);
        config.put("switchboard.kafka.password", password(principal));
        if (principal.equals(BrokerAccess.COMPLIANCE)) {
            config.put("switchboard.kafka.redrive.password", password(BrokerAccess.REDRIVE));
        }
        for (String agent : hostedAgents) {
            config.put("switchboard.kafka.agents.\"" + agent + "\".password", password(BrokerAccess.agentPrincipal(agent)));
        }
        return Map.copyOf(config);
    }

    private void awaitReady(Duration timeout, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = new HashMap<>(adminProperties());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        Exception last = null;
        try (Admin admin = Admin.create(config)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The Kafka broker exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    last = notYet;
                    Thread.sleep(250);
                }
            }
        }
        throw new IllegalStateException("The Kafka broker did not become ready within " + timeout + " (last: " + last
                + "); see " + log);
    }

    private static String scram(String user, String password) {
        return BrokerCredentials.SASL_MECHANISM + "=[name=" + user + ",password=" + password + "]";
    }

    private static ProcessBuilder java(List<String> mainAndArgs, Path log4j) {
        // A young generation of half the heap: the broker's garbage is short-lived request buffers.
        List<String> command = new ArrayList<>(List.of(Processes.javaBin(), "-Xms384m", "-Xmx384m", "-Xmn192m",
                "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp", Processes.classPath()));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(Processes.detached(command));
    }

    private static String serverProperties(LocalSettings settings, Path data, String brokerPassword) {
        String client = CLIENT_LISTENER.toLowerCase(java.util.Locale.ROOT);
        String controller = CONTROLLER_LISTENER.toLowerCase(java.util.Locale.ROOT);
        String plain = PlainLoginModule.class.getName() + " required username=\"" + BROKER_USER + "\" password=\""
                + brokerPassword + "\" user_" + BROKER_USER + "=\"" + brokerPassword + "\";";
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + settings.controllerPort(),
                "listeners=" + CLIENT_LISTENER + "://localhost:" + settings.kafkaPort()
                        + "," + CONTROLLER_LISTENER + "://localhost:" + settings.controllerPort(),
                "advertised.listeners=" + CLIENT_LISTENER + "://localhost:" + settings.kafkaPort()
                        + "," + CONTROLLER_LISTENER + "://localhost:" + settings.controllerPort(),
                "controller.listener.names=" + CONTROLLER_LISTENER,
                "inter.broker.listener.name=" + CLIENT_LISTENER,
                "listener.security.protocol.map=" + CONTROLLER_LISTENER + ":SASL_PLAINTEXT," + CLIENT_LISTENER
                        + ":SASL_PLAINTEXT",
                "## Authentication: SCRAM-SHA-512 for clients and between brokers, PLAIN to the controller",
                "sasl.enabled.mechanisms=" + BrokerCredentials.SASL_MECHANISM,
                "listener.name." + client + ".sasl.enabled.mechanisms=" + BrokerCredentials.SASL_MECHANISM,
                "listener.name." + controller + ".sasl.enabled.mechanisms=PLAIN",
                "sasl.mechanism.inter.broker.protocol=" + BrokerCredentials.SASL_MECHANISM,
                "sasl.mechanism.controller.protocol=PLAIN",
                "listener.name." + client + ".scram-sha-512.sasl.jaas.config="
                        + BrokerCredentials.jaasConfig(BROKER_USER, brokerPassword),
                "listener.name." + controller + ".plain.sasl.jaas.config=" + plain,
                "## Authorization: the catalog's ACLs, nothing without one",
                "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "allow.everyone.if.no.acl.found=false",
                "super.users=User:" + BrokerAccess.ADMIN + ";User:" + BROKER_USER,
                "log.dirs=" + data,
                "auto.create.topics.enable=false",
                "num.partitions=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=6",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=6",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "## Threads: one request handler per core and one network thread per two (defaults 8 and 3), so that a",
                "## broker sharing a small machine with the services does not switch between a dozen busy threads",
                "num.io.threads=" + Math.max(2, Runtime.getRuntime().availableProcessors()),
                "num.network.threads=" + Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                "");
    }

    private static final String LOG4J = String.join("\n",
            "appender.out.type=Console",
            "appender.out.name=OUT",
            "appender.out.layout.type=PatternLayout",
            "appender.out.layout.pattern=%d{ISO8601} %-5p [%c{1}] %m%n",
            "rootLogger.level=INFO",
            "rootLogger.appenderRef.out.ref=OUT",
            "logger.kafka.name=kafka",
            "logger.kafka.level=WARN",
            "logger.apache.name=org.apache.kafka",
            "logger.apache.level=WARN",
            "logger.server.name=kafka.server.KafkaRaftServer",
            "logger.server.level=INFO",
            "");

    long pid() {
        return process.pid();
    }

    /** Kills the broker at once, as a crash would (SIGKILL): its log is recovered at the next start. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the broker did not die within 30 s of SIGKILL");
        }
    }

    /** Asks the broker to shut down cleanly (SIGTERM) and waits for it. */
    @Override
    public void close() {
        Processes.stop(process, "kafka", Duration.ofSeconds(30));
    }
}
