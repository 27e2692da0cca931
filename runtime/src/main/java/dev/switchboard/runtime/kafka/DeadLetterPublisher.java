package dev.switchboard.runtime.kafka;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jboss.logging.Logger;

import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topics;
import io.micrometer.core.instrument.Metrics;

/**
 * The failure policy of a plain consumer (one that is not a Kafka Streams topology: a topic follower, a policy
 * table) for a record it cannot decode: the record goes to {@code deadletters} as it was read (key, value and
 * headers), with the headers every dead letter has (reason, source topic, partition and offset, the application and
 * the reader); it is logged and counted ({@code switchboard.deadletters}), and the reader goes on with the next record.
 * The Kafka Streams services do the same through {@code DeadLetterHandler}.
 *
 * <p>A reader without a consumer group (a follower reads its topic again at every start) dead-letters such a record
 * each time it reads it; its dead letters name the same source, so a tool listing them can tell. The producer, of the
 * reader's own principal, is made at the first dead letter.
 */
public final class DeadLetterPublisher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeadLetterPublisher.class);
    private static final long ACK_SECONDS = 30;
    private static final int MESSAGE_CHARS = 500;

    private final Map<String, Object> connection;
    private final String application;
    private Producer<byte[], byte[]> producer;

    /**
     * @param connection  bootstrap servers and the reader's credentials ({@link KafkaClientConfig#connection()})
     * @param application the service, for the {@code dead-letter-application} header and the metric
     */
    public DeadLetterPublisher(Map<String, Object> connection, String application) {
        this.connection = Map.copyOf(connection);
        this.application = application;
    }

    /**
     * Dead-letters the record a consumer could not decode; false (after logging why) when the dead letter could
     * not be written. Either way the caller skips the record.
     *
     * @param reader what read it, for the {@code dead-letter-processor} header (a follower's name, say)
     */
    public boolean undecodable(String reader, RecordDeserializationException failure) {
        TopicPartition source = failure.topicPartition();
        String where = source.topic() + "-" + source.partition() + "@" + failure.offset();
        Metrics.counter("switchboard.deadletters", "application", application, "reason", "does not decode").increment();
        RecordHeaders headers = new RecordHeaders(failure.headers() == null ? new Header[0] : failure.headers().toArray());
        String message = String.valueOf(failure.getCause() == null ? failure.getMessage() : failure.getCause().getMessage());
        DeadLetters.addSource(headers, "does not decode: " + (message.length() <= MESSAGE_CHARS ? message
                : message.substring(0, MESSAGE_CHARS) + "…"), source.topic(), source.partition(), failure.offset());
        DeadLetters.add(headers, "dead-letter-application", application);
        DeadLetters.add(headers, "dead-letter-processor", reader);
        DeadLetters.add(headers, "dead-letter-exception", (failure.getCause() == null ? failure : failure.getCause())
                .getClass().getName());
        try {
            producer().send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, bytes(failure.keyBuffer()),
                    bytes(failure.valueBuffer()), headers)).get(ACK_SECONDS, TimeUnit.SECONDS);
            LOG.errorf("%s: record %s does not decode (%s); sent to %s", reader, where, message,
                    Topics.DEAD_LETTERS.name());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.errorf(e, "%s: record %s does not decode and could not be dead-lettered; skipped", reader, where);
            return false;
        }
    }

    private synchronized Producer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> settings = new HashMap<>(connection);
            settings.put(ProducerConfig.ACKS_CONFIG, "all");
            settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            settings.put(ProducerConfig.CLIENT_ID_CONFIG, application + "-deadletters");
            settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
            settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(ACK_SECONDS));
            producer = new KafkaProducer<>(settings, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }
}
