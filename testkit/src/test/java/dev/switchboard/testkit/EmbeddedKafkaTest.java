package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;

class EmbeddedKafkaTest {

    private final String bootstrap = EmbeddedKafka.shared().bootstrapServers();
    private final Map<String, Object> admin = EmbeddedKafka.shared().clientProperties(BrokerAccess.ADMIN);

    @Test
    void createsCatalogTopicsWithTheirPartitionsAndCleanupPolicy() throws Exception {
        var provisioner = new TopicProvisioner(bootstrap, 3, (short) 1, admin);
        var created = provisioner.ensure(Topics.all(List.of("probe-agent")));
        assertThat(created).contains("agent.probe-agent.tasks");
        assertThat(provisioner.ensure(Topics.all(List.of("probe-agent")))).as("second run is a no-op").isEmpty();
        try (Admin admin = Admin.create(this.admin)) {
            var description = admin.describeTopics(List.of("agent.probe-agent.tasks")).allTopicNames().get();
            assertThat(description.get("agent.probe-agent.tasks").partitions()).hasSize(3);
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.SESSIONS_STATE.name());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void bringsTheCatalogConfigsToTopicsThatAlreadyExist() throws Exception {
        Topic<String, byte[]> kept = new Topic<>("probe.retention", Serdes.String(), Serdes.ByteArray(),
                Topic.Cleanup.DELETE, 1);
        var provisioner = new TopicProvisioner(bootstrap, 1, (short) 1, admin);
        provisioner.ensure(List.of(kept));
        assertThat(provisioner.ensure(List.of(kept.withRetention(Duration.ofHours(3))))).isEmpty();
        try (Admin admin = Admin.create(this.admin)) {
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, kept.name());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("retention.ms").value()).isEqualTo(Long.toString(Duration.ofHours(3).toMillis()));
        }
    }

    @Test
    void relaysARecordAndNeverAutoCreatesTopics() throws Exception {
        new TopicProvisioner(bootstrap, 1, (short) 1, admin).ensure(List.of(Topics.DELIVERIES));
        Properties producerProps = new Properties();
        producerProps.putAll(admin);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DELIVERIES.name(), "k", "v")).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no.such.topic", "k", "v")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
        Properties consumerProps = new Properties();
        consumerProps.putAll(admin);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, "probe");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (var consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(Topics.DELIVERIES.name()));
            var records = consumer.poll(Duration.ofSeconds(10));
            assertThat(records.count()).isEqualTo(1);
        }
    }

    @Test
    void startsARealPostgres() throws Exception {
        try (Connection c = EmbeddedDatabase.shared().getPostgresDatabase().getConnection();
             ResultSet rs = c.createStatement().executeQuery("select version()")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("PostgreSQL");
        }
    }
}
