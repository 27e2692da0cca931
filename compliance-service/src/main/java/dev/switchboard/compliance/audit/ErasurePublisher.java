package dev.switchboard.compliance.audit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

import dev.switchboard.events.ErasureRequested;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.Topics;

/**
 * Writes {@code ErasureRequested} records to {@code erasures} (key = session id) and waits for the broker's
 * acknowledgement of each; reads no topic. A plain producer, created on the first erasure, rather than a
 * messaging channel: erasures are rare, and the command-line mode of this service must not connect to Kafka.
 * It connects as the service's principal ({@link KafkaClientConfig}).
 */
@ApplicationScoped
public class ErasurePublisher {

    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaClientConfig kafka;
    private KafkaProducer<String, ErasureRequested> producer;

    ErasurePublisher(KafkaClientConfig kafka) {
        this.kafka = kafka;
    }

    /** Sends every request and returns once the broker has acknowledged them all. */
    public void publish(List<ErasureRequested> requests) {
        KafkaProducer<String, ErasureRequested> kafka = producer();
        List<Future<RecordMetadata>> sent = new ArrayList<>(requests.size());
        for (ErasureRequested request : requests) {
            sent.add(kafka.send(new ProducerRecord<>(Topics.ERASURES.name(), request.getSessionId(), request)));
        }
        try {
            for (Future<RecordMetadata> ack : sent) {
                ack.get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while writing to " + Topics.ERASURES.name(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot write to " + Topics.ERASURES.name(), e);
        }
    }

    private synchronized KafkaProducer<String, ErasureRequested> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(kafka.connection());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-erasures");
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
            config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
            config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            producer = new KafkaProducer<>(config, Topics.ERASURES.keySerde().serializer(),
                    Topics.ERASURES.valueSerde().serializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }
}
