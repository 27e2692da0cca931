package dev.switchboard.testkit;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.server.common.MetadataVersion;

import dev.switchboard.schemas.access.AccessProvisioner;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;
import dev.switchboard.schemas.access.BrokerPrincipal;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) inside the test JVM, secured
 * as in production: every client authenticates with SASL/SCRAM-SHA-512 and {@code StandardAuthorizer}
 * enforces the catalog's ACLs ({@link BrokerAccess}, no access without an ACL, {@code User:admin} the only
 * super user a client can be). Tests thus catch a service that touches a topic its role does not grant.
 * One instance is shared by all the tests of a JVM ({@link #shared()}) and stops when the JVM exits.
 * Built on Kafka's own test kit, which is internal API: recheck this class when Kafka moves.
 *
 * <p>The broker's own connections (inter-broker and to its controller) use SASL/PLAIN as a user only this
 * class knows, with a password made per JVM run, like the passwords of the SCRAM users.
 *
 * <p>Quarkus starts a new class loader for each test profile, which gets a fresh copy of this class. So that every
 * copy shares the one broker, its address, the passwords and the provisioned agents are kept in the JVM's system
 * properties (the one table all class loaders see); a later copy attaches to the running broker.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Agents whose principals and task-topic ACLs exist from the start; more are added on demand. */
    public static final List<String> DEFAULT_AGENTS = List.of("concierge", "billing-agent", "tech-support");

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

    /** The broker's own SASL/PLAIN identity, for its inter-broker and controller connections. */
    private static final String BROKER_USER = "broker";
    private static final String BROKER_LISTENER = "external";
    private static final String CONTROLLER_LISTENER = "controller";

    /** Where the shared broker's address, passwords and agents are kept for every class loader of the JVM. */
    private static final String SHARED_KEY = "switchboard.testkit.kafka.";

    private static EmbeddedKafka shared;

    /** The broker this instance started, or null when it attached to one another class loader started. */
    private final KafkaClusterTestKit cluster;
    private final String attachedTo;
    private final String keyPrefix;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.attachedTo = null;
        this.keyPrefix = SHARED_KEY + "instance." + System.identityHashCode(this) + ".";
    }

    private EmbeddedKafka(String bootstrapServers, String keyPrefix) {
        this.cluster = null;
        this.attachedTo = bootstrapServers;
        this.keyPrefix = keyPrefix;
    }

    /** Starts a new broker with the principals of {@link #DEFAULT_AGENTS}; most tests want {@link #shared()}. */
    public static EmbeddedKafka start() {
        keepTheJvmAlive();
        String brokerPassword = BrokerCredentials.randomPassword();
        KafkaClusterTestKit cluster;
        try {
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    // Without this the test kit formats the newest, unstable metadata version.
                    .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                    .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                    .build();
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            BROKER_CONFIG.forEach(builder::setConfigProp);
            securityConfig(brokerPassword).forEach(builder::setConfigProp);
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start the embedded Kafka broker", e);
        }
        EmbeddedKafka kafka = new EmbeddedKafka(cluster);
        try {
            kafka.bootstrapAdmin(brokerPassword);
            kafka.provisionAgents(DEFAULT_AGENTS);
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /**
     * SASL on both listeners: the client listener takes SCRAM-SHA-512 (and PLAIN, for the broker itself), the
     * controller listener PLAIN only. The listener-specific JAAS settings win over the JVM-wide JAAS file the
     * test kit writes, whose well-known test password thus opens nothing.
     */
    private static Map<String, String> securityConfig(String brokerPassword) {
        String plain = PlainLoginModule.class.getName() + " required username=\"" + BROKER_USER + "\" password=\""
                + brokerPassword + "\" user_" + BROKER_USER + "=\"" + brokerPassword + "\";";
        Map<String, String> config = new HashMap<>();
        config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
        config.put("listener.name." + CONTROLLER_LISTENER + ".sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("sasl.mechanism.controller.protocol", "PLAIN");
        config.put("listener.name." + BROKER_LISTENER + ".plain.sasl.jaas.config", plain);
        config.put("listener.name." + CONTROLLER_LISTENER + ".plain.sasl.jaas.config", plain);
        config.put("listener.name." + BROKER_LISTENER + ".scram-sha-512.sasl.jaas.config",
                ScramLoginModule.class.getName() + " required;");
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("allow.everyone.if.no.acl.found", "false");
        config.put("super.users", "User:" + BrokerAccess.ADMIN + ";User:" + BROKER_USER);
        return config;
    }

    /** As the broker's own identity, once: gives {@code admin} its SCRAM credential; from then on, admin does the rest. */
    private void bootstrapAdmin(String brokerPassword) {
        Map<String, Object> asBroker = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name,
                SaslConfigs.SASL_MECHANISM, "PLAIN",
                SaslConfigs.SASL_JAAS_CONFIG, PlainLoginModule.class.getName() + " required username=\"" + BROKER_USER
                        + "\" password=\"" + brokerPassword + "\";");
        new AccessProvisioner(asBroker).upsertUsers(Map.of(BrokerAccess.ADMIN, password(BrokerAccess.ADMIN)));
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

    /** The broker shared by every test in this JVM (whatever its class loader), started on first use. */
    public static synchronized EmbeddedKafka shared() {
        if (shared == null) {
            synchronized (System.getProperties()) {
                String running = System.getProperty(SHARED_KEY + "bootstrap");
                if (running != null) {
                    shared = new EmbeddedKafka(running, System.getProperty(SHARED_KEY + "keys"));
                } else {
                    EmbeddedKafka kafka = start();
                    Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "embedded-kafka-stop"));
                    System.setProperty(SHARED_KEY + "keys", kafka.keyPrefix);
                    System.setProperty(SHARED_KEY + "bootstrap", kafka.bootstrapServers());
                    shared = kafka;
                }
            }
        }
        return shared;
    }

    /**
     * The client settings for a bootstrap address: the super user's credentials when it is this JVM's shared
     * broker, else the address alone (a broker started some other way brings its own credentials).
     */
    static synchronized Map<String, Object> clientPropertiesFor(String bootstrapServers) {
        if (bootstrapServers.equals(System.getProperty(SHARED_KEY + "bootstrap"))) {
            return shared().clientProperties(BrokerAccess.ADMIN);
        }
        return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }

    public String bootstrapServers() {
        return cluster != null ? cluster.bootstrapServers() : attachedTo;
    }

    /**
     * Bootstrap servers and SASL settings to connect as a principal: {@link BrokerAccess#ADMIN} for harness
     * code, or a service or agent principal ({@code gateway}, {@code agent-concierge}, ...) to act as that
     * service. An agent principal not provisioned yet is provisioned first.
     *
     * @throws IllegalArgumentException for a name that is no principal of {@link BrokerAccess}
     */
    public Map<String, Object> clientProperties(String principal) {
        return BrokerCredentials.clientProperties(bootstrapServers(), principal, password(principal));
    }

    /** The password of a principal for this JVM run (see {@link #clientProperties}). */
    public String password(String principal) {
        if (!BrokerAccess.ADMIN.equals(principal) && !BrokerAccess.SERVICES.contains(principal)
                && !BrokerAccess.REDRIVE.equals(principal)) {
            provisionAgents(List.of(BrokerAccess.agentIdOf(principal).orElseThrow(() -> new IllegalArgumentException(
                    "no such broker principal: " + principal + " (expected " + BrokerAccess.ADMIN + ", one of "
                            + BrokerAccess.SERVICES + ", " + BrokerAccess.REDRIVE + " or "
                            + BrokerAccess.AGENT_PRINCIPAL_PREFIX + "<agent id>)"))));
        }
        return storedPassword(principal);
    }

    private String storedPassword(String principal) {
        return (String) System.getProperties().computeIfAbsent(keyPrefix + "password." + principal,
                name -> BrokerCredentials.randomPassword());
    }

    /** The agents whose principals and ACLs the broker has. */
    public Set<String> agents() {
        String list = System.getProperty(keyPrefix + "agents", "");
        return list.isEmpty() ? Set.of() : Set.of(list.split(","));
    }

    /**
     * Gives the broker the principals of the services and of these agents (SCRAM users and ACLs, from
     * {@link BrokerAccess}), in addition to those it has. Cheap when nothing is new.
     */
    public void provisionAgents(Collection<String> agentIds) {
        synchronized (System.getProperties()) {
            Set<String> agents = agents();
            if (agents.containsAll(agentIds) && !agents.isEmpty()) {
                return;
            }
            Set<String> all = new LinkedHashSet<>(agents);
            all.addAll(agentIds);
            Map<String, String> users = new HashMap<>();
            for (BrokerPrincipal principal : BrokerAccess.principals(all)) {
                users.put(principal.name(), storedPassword(principal.name()));
            }
            new AccessProvisioner(clientProperties(BrokerAccess.ADMIN)).ensure(all, users);
            System.setProperty(keyPrefix + "agents", String.join(",", all));
        }
    }

    @Override
    public void close() {
        if (cluster == null) {
            return; // attached: the class loader that started the broker stops it
        }
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Cannot stop the embedded Kafka broker", e);
        }
    }
}
