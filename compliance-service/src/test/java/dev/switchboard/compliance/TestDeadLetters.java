package dev.switchboard.compliance;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.EmbeddedKafka;

/** Dead letters for tests, written to {@code deadletters} as a Streams service's handler writes them. */
public final class TestDeadLetters {

    private static KafkaProducer<byte[], byte[]> producer;

    private TestDeadLetters() {
    }

    /**
     * Writes a dead letter as the supervisor's {@code DeadLetterHandler} does: the source record's key and value
     * bytes, the source's headers, and the tenant header when {@code tenant} is given.
     *
     * @return the dead letter's id, {@code <partition>-<offset>}
     */
    public static String write(byte[] key, byte[] value, String sourceTopic, int sourcePartition, long sourceOffset,
            String tenant) throws Exception {
        RecordHeaders headers = new RecordHeaders();
        DeadLetters.add(headers, "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        DeadLetters.addSource(headers, "processing failed: no route for the turn", sourceTopic, sourcePartition,
                sourceOffset);
        DeadLetters.add(headers, "dead-letter-application", "switchboard-supervisor");
        DeadLetters.add(headers, "dead-letter-processor", "route");
        DeadLetters.add(headers, "dead-letter-exception", IllegalStateException.class.getName());
        DeadLetters.addTenant(headers, tenant);
        RecordMetadata written = producer().send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, key, value,
                headers)).get(30, TimeUnit.SECONDS);
        return written.partition() + "-" + written.offset();
    }

    private static synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = new HashMap<>(EmbeddedKafka.shared().clientProperties(BrokerAccess.SUPERVISOR));
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }
}
