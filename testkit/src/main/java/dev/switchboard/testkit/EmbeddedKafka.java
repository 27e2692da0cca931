package dev.switchboard.testkit;

import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) inside the test JVM.
 * One instance is shared by all the tests of a JVM ({@link #shared()}) and stops when the JVM exits.
 * Built on Kafka's own test kit, which is internal API: recheck this class when Kafka moves.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Broker settings for one node: no auto-created topics, internal topics small and unreplicated. */
    static final Map<String, String> BROKER_CONFIG = Map.of(
            "auto.create.topics.enable", "false",
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "6",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "6",
            "group.initial.rebalance.delay.ms", "0",
            "num.partitions", "1");

    private static EmbeddedKafka shared;

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Starts a new broker; most tests want {@link #shared()} instead. */
    public static EmbeddedKafka start() {
        keepTheJvmAlive();
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // Without this the test kit formats the newest, unstable metadata version.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            BROKER_CONFIG.forEach(builder::setConfigProp);
            KafkaClusterTestKit cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return new EmbeddedKafka(cluster);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker", e);
        }
    }

    /**
     * A broker component that meets a fatal fault calls Kafka's {@code Exit.halt}/{@code Exit.exit}, which
     * would end the test JVM with a non-zero code (it happens when the broker stops in a shutdown hook
     * while clients are still closing). As Kafka's own tests do, report such a call instead.
     */
    private static void keepTheJvmAlive() {
        Exit.setHaltProcedure((status, message) ->
                System.err.println("Embedded Kafka asked to halt the JVM (" + status + "): " + message));
        Exit.setExitProcedure((status, message) ->
                System.err.println("Embedded Kafka asked to exit the JVM (" + status + "): " + message));
    }

    /** The broker shared by every test in this JVM, started on first use. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            EmbeddedKafka kafka = start();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
            shared = kafka;
        }
        return shared;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() {
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the embedded Kafka broker", e);
        }
    }
}
