package dev.switchboard.compliance.policy;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

import dev.switchboard.events.CompliancePolicy;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;

/**
 * Writes tenants' policies to {@code compliance.policies} (a tombstone removes one) and returns once the broker
 * has the record. Created on first use; connects as the service's principal ({@link KafkaClientConfig}).
 */
@ApplicationScoped
public class PolicyPublisher {

    private static final long ACK_TIMEOUT_SECONDS = 10;

    private final KafkaProducer<String, CompliancePolicy> producer;

    PolicyPublisher(KafkaClientConfig kafka) {
        Map<String, Object> config = new HashMap<>(kafka.connection());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-policies-writer");
        this.producer = new KafkaProducer<>(config, Topics.COMPLIANCE_POLICIES.keySerde().serializer(),
                Topics.COMPLIANCE_POLICIES.valueSerde().serializer());
    }

    /** @param policy null removes the tenant's policy */
    public void publish(String tenant, CompliancePolicy policy) {
        try {
            producer.send(new ProducerRecord<>(Topics.COMPLIANCE_POLICIES.name(), tenant, policy))
                    .get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing a compliance policy", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish the compliance policy of " + tenant + ": " + e.getMessage(), e);
        }
    }

    @PreDestroy
    void close() {
        producer.close();
    }
}
