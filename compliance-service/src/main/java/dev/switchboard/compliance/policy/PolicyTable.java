package dev.switchboard.compliance.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

import dev.switchboard.events.CompliancePolicy;
import dev.switchboard.runtime.kafka.DeadLetterPublisher;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;

/**
 * Every tenant's published policy, read from the compacted {@code compliance.policies} topic by each instance
 * (all partitions, from the beginning, no consumer group). Created on first use (the first event cleared; the
 * command-line mode never uses it, so it never connects), construction blocks until the topic has been read
 * to its end, so no event is cleared under a policy older than the one on the topic at that moment; later
 * changes apply as they arrive. A tombstone removes a tenant's policy. Connects as the service's principal
 * ({@link KafkaClientConfig}).
 */
@ApplicationScoped
public class PolicyTable {

    private static final Logger LOG = Logger.getLogger(PolicyTable.class);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final Map<String, CompliancePolicy> policies = new ConcurrentHashMap<>();
    private final KafkaConsumer<String, CompliancePolicy> consumer;
    private final DeadLetterPublisher deadLetters;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread reader;

    PolicyTable(KafkaClientConfig kafka) {
        deadLetters = new DeadLetterPublisher(kafka.connection(), "compliance-service");
        consumer = new KafkaConsumer<>(kafka.with(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-policies")),
                Topics.COMPLIANCE_POLICIES.keySerde().deserializer(),
                Topics.COMPLIANCE_POLICIES.valueSerde().deserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMPLIANCE_POLICIES.name(), LOAD_TIMEOUT)
                .stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, LOAD_TIMEOUT);
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("compliance.policies was not read to its end within " + LOAD_TIMEOUT);
            }
            pollOnce(Duration.ofMillis(200));
        }
        LOG.infof("Loaded %d tenant compliance policies", policies.size());
        reader = new Thread(this::follow, "compliance-policy-table");
        reader.setDaemon(true);
        reader.start();
    }

    /** The tenant's published policy, if it has one. */
    public Optional<CompliancePolicy> published(String tenant) {
        return Optional.ofNullable(policies.get(tenant));
    }

    private void follow() {
        try {
            while (running.get()) {
                pollOnce(Duration.ofSeconds(1));
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("Stopped following compliance.policies: policies changed from now on are not applied", e);
        } finally {
            consumer.close();
            deadLetters.close();
        }
    }

    private void pollOnce(Duration timeout) {
        try {
            apply(consumer.poll(timeout));
        } catch (RecordDeserializationException e) {
            // A policy nobody can read must not stop the others: dead-letter it and skip it.
            deadLetters.undecodable("compliance-policy-table", e);
            consumer.seek(e.topicPartition(), e.offset() + 1);
        }
    }

    private void apply(Iterable<ConsumerRecord<String, CompliancePolicy>> records) {
        for (ConsumerRecord<String, CompliancePolicy> record : records) {
            if (record.value() == null) {
                policies.remove(record.key());
            } else {
                policies.put(record.key(), record.value());
            }
        }
    }

    @PreDestroy
    void close() throws InterruptedException {
        running.set(false);
        consumer.wakeup();
        reader.join(Duration.ofSeconds(5).toMillis());
    }
}
