package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.plain.PlainLoginModule;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;

/**
 * The embedded broker authenticates every client and enforces the catalog's ACLs: each principal can do what
 * its role needs and nothing else.
 */
class BrokerAclTest {

    private static final EmbeddedKafka KAFKA = EmbeddedKafka.shared();
    private static final String CONCIERGE = BrokerAccess.agentPrincipal("concierge");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @BeforeAll
    static void topics() {
        new TopicProvisioner(KAFKA.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1,
                KAFKA.clientProperties(BrokerAccess.ADMIN)).ensure(Topics.all(EmbeddedKafka.DEFAULT_AGENTS));
    }

    @Test
    void anAgentCannotReadRawTurnsNorWriteClearedTopicsRepliesOrAnotherAgentsTasks() {
        assertThatThrownBy(() -> TopicReader.fromBeginningAs(CONCIERGE, Topics.TURNS_RAW))
                .isInstanceOf(TopicAuthorizationException.class);
        try (var consumer = consumer(CONCIERGE, BrokerAccess.agentGroup("concierge"))) {
            consumer.subscribe(List.of(Topics.TURNS_RAW.name()));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class);
        }
        for (Topic<?, ?> topic : List.of(Topics.TURNS_CLEARED, Topics.REPLIES_OUTBOUND, Topics.agentTasks("billing-agent"),
                Topics.TURNS_RAW)) {
            assertThat(writeFails(CONCIERGE, topic)).as(topic.name()).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void anAgentWritesResultsAndReadsItsOwnTasksInItsOwnGroup() throws Exception {
        String session = UUID.randomUUID().toString();
        write(BrokerAccess.SUPERVISOR, Topics.agentTasks("concierge"), session);
        write(CONCIERGE, Topics.AGENT_RESULTS_RAW, session);
        TopicWriter.sendAs(BrokerAccess.AGENT_SERVICE, Topics.DEAD_LETTERS, session,
                "undecodable".getBytes(StandardCharsets.UTF_8));
        assertThat(writeFails(CONCIERGE, Topics.DEAD_LETTERS)).isInstanceOf(TopicAuthorizationException.class);

        try (var consumer = consumer(CONCIERGE, BrokerAccess.agentGroup("concierge"))) {
            consumer.subscribe(List.of(Topics.agentTasks("concierge").name()));
            assertThat(pollFor(consumer, session).key()).isEqualTo(session);
            consumer.commitSync();
        }
        try (var consumer = consumer(CONCIERGE, BrokerAccess.agentGroup("billing-agent"))) {
            consumer.subscribe(List.of(Topics.agentTasks("concierge").name()));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
        }
        try (Admin admin = Admin.create(KAFKA.clientProperties(CONCIERGE))) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("what the agent can even see")
                    .containsExactlyInAnyOrder(Topics.agentTasks("concierge").name(), Topics.AGENT_RESULTS_RAW.name());
        }
    }

    @Test
    void anAgentsTransactionsUseOnlyItsOwnTransactionalIds() throws Exception {
        String session = UUID.randomUUID().toString();
        write(BrokerAccess.SUPERVISOR, Topics.agentTasks("concierge"), session);
        try (var consumer = consumer(CONCIERGE, BrokerAccess.agentGroup("concierge"));
             var producer = producer(CONCIERGE, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                     BrokerAccess.agentTransactionalIdPrefix("concierge") + "x"))) {
            consumer.subscribe(List.of(Topics.agentTasks("concierge").name()));
            ConsumerRecord<String, String> task = pollFor(consumer, session);
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(Topics.AGENT_RESULTS_RAW.name(), session, "result"));
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(task.topic(), task.partition()),
                    new OffsetAndMetadata(task.offset() + 1)), consumer.groupMetadata());
            producer.commitTransaction();
        }
        try (var producer = producer(CONCIERGE, Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                BrokerAccess.agentTransactionalIdPrefix("billing-agent") + "x"))) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    @Test
    void theGatewayWritesRawTurnsButNotClearedOnes() throws Exception {
        write(BrokerAccess.GATEWAY, Topics.TURNS_RAW, UUID.randomUUID().toString());
        assertThat(writeFails(BrokerAccess.GATEWAY, Topics.TURNS_CLEARED)).isInstanceOf(TopicAuthorizationException.class);
        try (var turns = TopicReader.fromBeginningAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW)) {
            assertThatThrownBy(() -> turns.first("any", Duration.ofSeconds(10)))
                    .as("it may describe the topic it writes, not fetch from it")
                    .isInstanceOf(TopicAuthorizationException.class);
        }
    }

    /**
     * The re-drive principal writes a dead letter back where it came from (a task topic, replies) and reads
     * {@code deadletters} by assignment; it reads no other topic, writes no raw, compacted or audit topic, and joins
     * no consumer group.
     */
    @Test
    void theRedrivePrincipalWritesATaskTopicAndReadsNothingButDeadLetters() throws Exception {
        String redrive = BrokerAccess.REDRIVE;
        String session = UUID.randomUUID().toString();
        write(redrive, Topics.agentTasks("concierge"), session);
        write(redrive, Topics.REPLIES_OUTBOUND, session);
        for (Topic<?, ?> topic : List.of(Topics.TURNS_RAW, Topics.AGENT_RESULTS_RAW, Topics.SESSIONS_STATE,
                Topics.COMPLIANCE_POLICIES, Topics.AUDIT_ANCHORS, Topics.REPLIES_ROUTED, Topics.DEAD_LETTERS)) {
            assertThat(writeFails(redrive, topic)).as(topic.name()).isInstanceOf(TopicAuthorizationException.class);
        }
        for (Topic<String, ?> topic : List.of(Topics.agentTasks("concierge"), Topics.REPLIES_OUTBOUND,
                Topics.TURNS_CLEARED, Topics.TURNS_RAW, Topics.SESSIONS_STATE)) {
            assertThatThrownBy(() -> {
                try (var reader = TopicReader.fromBeginningAs(redrive, topic)) {
                    reader.first(session, Duration.ofSeconds(10));
                }
            }).as(topic.name()).isInstanceOf(TopicAuthorizationException.class);
        }
        TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.DEAD_LETTERS, session,
                "a dead letter".getBytes(StandardCharsets.UTF_8));
        try (var deadLetters = TopicReader.fromBeginningAs(redrive, Topics.DEAD_LETTERS)) {
            assertThat(deadLetters.first(session, TIMEOUT).key()).isEqualTo(session);
        }
        try (var consumer = consumer(redrive, "switchboard-compliance-redrive")) {
            consumer.subscribe(List.of(Topics.DEAD_LETTERS.name()));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
        }
    }

    @Test
    void clientsWithoutTheRightPasswordCannotConnect() {
        String bootstrap = KAFKA.bootstrapServers();
        for (Map<String, Object> credentials : List.of(
                BrokerCredentials.clientProperties(bootstrap, CONCIERGE, "wrong"),
                BrokerCredentials.clientProperties(bootstrap, "nobody", "nothing"),
                // the test kit's well-known PLAIN super user opens nothing either
                Map.<String, Object>of("bootstrap.servers", bootstrap,
                        "security.protocol", SecurityProtocol.SASL_PLAINTEXT.name, "sasl.mechanism", "PLAIN",
                        "sasl.jaas.config", PlainLoginModule.class.getName()
                                + " required username=\"plain-admin\" password=\"plain-admin-secret\";"))) {
            try (Admin admin = Admin.create(withTimeout(credentials))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .as(String.valueOf(credentials.get("sasl.jaas.config")))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
        try (Admin admin = Admin.create(withTimeout(BrokerCredentials.clientProperties(bootstrap, CONCIERGE, "")))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).as("empty password")
                    .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
        }
        Map<String, Object> noJaas = new HashMap<>(BrokerCredentials.clientProperties(bootstrap, CONCIERGE, "x"));
        noJaas.remove("sasl.jaas.config");
        assertThatThrownBy(() -> Admin.create(noJaas).close())
                .as("the JVM-wide JAAS file the test kit writes holds no client identity")
                .isInstanceOf(org.apache.kafka.common.KafkaException.class);
    }

    private static Map<String, Object> withTimeout(Map<String, Object> credentials) {
        Map<String, Object> config = new HashMap<>(credentials);
        config.put("default.api.timeout.ms", 5_000);
        config.put("request.timeout.ms", 5_000);
        return config;
    }

    @Test
    void anAgentProvisionedLaterGetsItsOwnTopicAndTheSupervisorMayWriteIt() throws Exception {
        String late = BrokerAccess.agentPrincipal("late-joiner");
        Map<String, Object> lateProperties = KAFKA.clientProperties(late);
        assertThat(KAFKA.agents()).contains("late-joiner");
        new TopicProvisioner(KAFKA.bootstrapServers(), 1, (short) 1, KAFKA.clientProperties(BrokerAccess.ADMIN))
                .ensure(List.of(Topics.agentTasks("late-joiner")));
        String session = UUID.randomUUID().toString();
        write(BrokerAccess.SUPERVISOR, Topics.agentTasks("late-joiner"), session);
        try (var consumer = new KafkaConsumer<>(consumerConfig(lateProperties, BrokerAccess.agentGroup("late-joiner")),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.agentTasks("late-joiner").name()));
            assertThat(pollFor(consumer, session).key()).isEqualTo(session);
        }
        assertThat(writeFails(CONCIERGE, Topics.agentTasks("late-joiner"))).isInstanceOf(TopicAuthorizationException.class);
    }

    /**
     * A Kafka Streams application with exactly-once, a repartition and a state store needs nothing beyond its
     * topics, its group, its transactional ids and its internal topics.
     */
    @Test
    void aStreamsServiceRunsExactlyOnceUnderItsOwnAcls() throws Exception {
        String session = UUID.randomUUID().toString();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(Topics.TURNS_CLEARED.name(), Consumed.with(Serdes.String(), Serdes.String()))
                .map((key, value) -> KeyValue.pair(value, key))
                .groupByKey(Grouped.with("by-value", Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .mapValues(count -> Long.toString(count))
                .to(Topics.SESSIONS_STATE.name(), Produced.with(Serdes.String(), Serdes.String()));
        Map<String, Object> config = new HashMap<>(KAFKA.clientProperties(BrokerAccess.MEMORY));
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "switchboard-memory");
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        config.put(StreamsConfig.STATE_DIR_CONFIG, Path.of("target", "kafka-streams", UUID.randomUUID().toString()).toString());
        config.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), new StreamsConfig(config))) {
            streams.start();
            write(BrokerAccess.COMPLIANCE, Topics.TURNS_CLEARED, "some-session", session);
            try (var state = consumer(BrokerAccess.ADMIN, null)) {
                state.assign(partitions(Topics.SESSIONS_STATE));
                state.seekToBeginning(state.assignment());
                assertThat(pollFor(state, session).value()).isEqualTo("1");
            }
            // A rebalance may still follow the first assignment (a probing one): the application must settle in
            // RUNNING, not end in ERROR for want of a permission.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (streams.state() == KafkaStreams.State.REBALANCING && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    private static List<TopicPartition> partitions(Topic<?, ?> topic) throws Exception {
        try (Admin admin = Admin.create(KAFKA.clientProperties(BrokerAccess.ADMIN))) {
            return admin.describeTopics(List.of(topic.name())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic.name()).partitions().stream()
                    .map(partition -> new TopicPartition(topic.name(), partition.partition())).toList();
        }
    }

    private static void write(String principal, Topic<?, ?> topic, String key) throws Exception {
        write(principal, topic, key, "value");
    }

    private static void write(String principal, Topic<?, ?> topic, String key, String value) throws Exception {
        try (var producer = producer(principal, Map.of())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** The cause of a failed write, or null when it succeeded. */
    private static Throwable writeFails(String principal, Topic<?, ?> topic) {
        try (var producer = producer(principal, Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000))) {
            producer.send(new ProducerRecord<>(topic.name(), "key", "value")).get(30, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            return e;
        }
    }

    private static KafkaProducer<String, String> producer(String principal, Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>(KAFKA.clientProperties(principal));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(extra);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(String principal, String group) {
        return new KafkaConsumer<>(consumerConfig(KAFKA.clientProperties(principal), group),
                new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> credentials, String group) {
        Map<String, Object> config = new HashMap<>(credentials);
        if (group != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return config;
    }

    private static ConsumerRecord<String, String> pollFor(KafkaConsumer<String, String> consumer, String key) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record with key " + key + " within " + TIMEOUT);
    }
}
