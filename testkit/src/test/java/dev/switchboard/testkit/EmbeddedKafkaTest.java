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
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import dev.switchboard.schemas.TopicProvisioner;
import dev.switchboard.schemas.Topics;

class EmbeddedKafkaTest {

    private final String bootstrap = EmbeddedKafka.shared().bootstrapServers();

    @Test
    void createsCatalogTopicsWithTheirPartitionsAndCleanupPolicy() throws Exception {
        var provisioner = new TopicProvisioner(bootstrap, 3, (short) 1);
        var created = provisioner.ensure(Topics.all(List.of("probe-agent")));
        assertThat(created).contains("agent.probe-agent.tasks");
        assertThat(provisioner.ensure(Topics.all(List.of("probe-agent")))).as("second run is a no-op").isEmpty();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            var description = admin.describeTopics(List.of("agent.probe-agent.tasks")).allTopicNames().get();
            assertThat(description.get("agent.probe-agent.tasks").partitions()).hasSize(3);
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, Topics.SESSIONS_STATE.name());
            var config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void relaysARecordAndNeverAutoCreatesTopics() throws Exception {
        new TopicProvisioner(bootstrap, 1, (short) 1).ensure(List.of(Topics.DELIVERIES));
        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        try (var producer = new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.DELIVERIES.name(), "k", "v")).get(10, TimeUnit.SECONDS);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no.such.topic", "k", "v")).get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
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
