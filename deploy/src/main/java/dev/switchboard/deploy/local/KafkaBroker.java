package dev.switchboard.deploy.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/**
 * A single-node Apache Kafka broker in KRaft combined mode, run as its own process from the Kafka
 * jars on this launcher's class path. Its log directory is kept between runs; it is formatted once.
 */
final class KafkaBroker implements AutoCloseable {

    private final Process process;

    private KafkaBroker(Process process) {
        this.process = process;
    }

    static KafkaBroker start(LocalSettings settings) throws IOException, InterruptedException {
        Path dir = settings.home().resolve("kafka");
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        Files.createDirectories(settings.logs());
        Path config = dir.resolve("server.properties");
        Files.writeString(config, serverProperties(settings, data));
        Path log4j = dir.resolve("log4j2.properties");
        Files.writeString(log4j, LOG4J);

        if (!Files.exists(data.resolve("meta.properties"))) {
            Process format = java(List.of("kafka.tools.StorageTool", "format", "--standalone",
                    "-t", Uuid.randomUuid().toString(), "-c", config.toString()), log4j)
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
        KafkaBroker started = new KafkaBroker(broker);
        started.awaitReady(settings.bootstrapServers(), Duration.ofSeconds(60), settings.logs().resolve("kafka.log"));
        return started;
    }

    private void awaitReady(String bootstrap, Duration timeout, Path log) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000))) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("The Kafka broker exited with " + process.exitValue() + "; see " + log);
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    Thread.sleep(250);
                }
            }
        }
        throw new IllegalStateException("The Kafka broker did not become ready within " + timeout + "; see " + log);
    }

    private static ProcessBuilder java(List<String> mainAndArgs, Path log4j) {
        List<String> command = new ArrayList<>(List.of(Processes.javaBin(), "-Xms128m", "-Xmx256m",
                "-XX:+UseSerialGC", "-Dlog4j2.configurationFile=" + log4j.toUri(),
                "-cp", Processes.classPath()));
        command.addAll(mainAndArgs);
        return new ProcessBuilder(Processes.detached(command));
    }

    private static String serverProperties(LocalSettings settings, Path data) {
        return String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.bootstrap.servers=localhost:" + settings.controllerPort(),
                "listeners=PLAINTEXT://localhost:" + settings.kafkaPort() + ",CONTROLLER://localhost:" + settings.controllerPort(),
                "advertised.listeners=PLAINTEXT://localhost:" + settings.kafkaPort()
                        + ",CONTROLLER://localhost:" + settings.controllerPort(),
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
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
                "") ;
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

    /** Asks the broker to shut down cleanly (SIGTERM) and waits for it. */
    @Override
    public void close() {
        Processes.stop(process, "kafka", Duration.ofSeconds(30));
    }
}
