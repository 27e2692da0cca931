package dev.switchboard.runtime.streams;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topics;
import io.micrometer.core.instrument.Metrics;

/**
 * The failure policy of every Kafka Streams service for a record it cannot use: a record that does not decode, or
 * whose processing throws, goes to {@code deadletters} as it was read (its source key and value bytes), with
 * headers that say why and where from ({@code dead-letter-reason}, {@code -topic}, {@code -partition},
 * {@code -offset}, {@code -application}, {@code -processor}, {@code -exception}, {@code -stack}, and
 * {@code -tenant} when the record that failed names one); the handler
 * logs it, counts it ({@code switchboard.deadletters}) and lets processing continue with the next record.
 *
 * <p>The dead letter is written and acknowledged before processing continues, by a producer of the service's own
 * principal outside the task's transaction (at least once: a task that fails before its commit may dead-letter a
 * record again when it is read again). When the dead letter cannot be written, the handler answers FAIL: the stream
 * thread fails and is replaced ({@link Topologies#replaceFailedThread()}), and the record is read again rather than
 * lost. A failure in a punctuation has no record: it is logged and counted, and processing continues.
 *
 * <p>Set by the runtime's defaults as both {@code kafka-streams.deserialization.exception.handler} and
 * {@code kafka-streams.processing.exception.handler}.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {

    private static final Logger LOG = Logger.getLogger(DeadLetterHandler.class);
    private static final long ACK_SECONDS = 30;
    private static final int STACK_FRAMES = 12;
    private static final int MESSAGE_CHARS = 500;
    /** One producer per connection and principal, shared by the handlers of a service's stream threads. */
    private static final Map<Map<String, Object>, Producer<byte[], byte[]>> PRODUCERS = new ConcurrentHashMap<>();

    private Producer<byte[], byte[]> producer;
    private String application;

    @Override
    public void configure(Map<String, ?> configs) {
        Map<String, Object> connection = new HashMap<>();
        configs.forEach((key, value) -> {
            if (value != null && (key.equals(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)
                    || key.equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                    || key.startsWith("sasl.") || key.startsWith("ssl."))) {
                connection.put(key, value);
            }
        });
        application = String.valueOf(configs.get(StreamsConfig.APPLICATION_ID_CONFIG));
        producer = PRODUCERS.computeIfAbsent(Map.copyOf(connection), settings -> {
            Map<String, Object> producerSettings = new HashMap<>(settings);
            producerSettings.put(ProducerConfig.ACKS_CONFIG, "all");
            producerSettings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerSettings.put(ProducerConfig.CLIENT_ID_CONFIG, application + "-deadletters");
            producerSettings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(10).toMillis());
            producerSettings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(ACK_SECONDS).toMillis());
            return new KafkaProducer<>(producerSettings, new ByteArraySerializer(), new ByteArraySerializer());
        });
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        return deadLetter(context, "does not decode", exception, null)
                ? DeserializationHandlerResponse.CONTINUE : DeserializationHandlerResponse.FAIL;
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        return deadLetter(context, "processing failed", exception, DeadLetters.tenantOf(record.value()))
                ? ProcessingHandlerResponse.CONTINUE : ProcessingHandlerResponse.FAIL;
    }

    /**
     * Writes the source record to {@code deadletters}; false when that failed.
     *
     * @param tenant the tenant the failed record names, or null when unknown (it did not decode)
     */
    private boolean deadLetter(ErrorHandlerContext context, String reason, Exception exception, String tenant) {
        Metrics.counter("switchboard.deadletters", "application", application, "reason", reason).increment();
        if (context.topic() == null) {
            LOG.errorf(exception, "%s: %s in %s outside any record (a punctuation); continuing", application, reason,
                    context.processorNodeId());
            return true;
        }
        String source = context.topic() + "-" + context.partition() + "@" + context.offset();
        LOG.errorf(exception, "%s: record %s %s in %s; sent to %s", application, source, reason,
                context.processorNodeId(), Topics.DEAD_LETTERS.name());
        RecordHeaders headers = new RecordHeaders(context.headers().toArray());
        DeadLetters.addSource(headers, reason + ": " + truncate(String.valueOf(exception.getMessage())),
                context.topic(), context.partition(), context.offset());
        DeadLetters.add(headers, "dead-letter-application", application);
        DeadLetters.add(headers, "dead-letter-processor", String.valueOf(context.processorNodeId()));
        DeadLetters.add(headers, "dead-letter-exception", exception.getClass().getName());
        DeadLetters.add(headers, "dead-letter-stack", stack(exception));
        DeadLetters.addTenant(headers, tenant);
        try {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), null, context.sourceRawKey(),
                    context.sourceRawValue(), headers)).get(ACK_SECONDS, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            LOG.errorf(e, "%s: record %s could not be dead-lettered; the stream thread fails and reads it again",
                    application, source);
            return false;
        }
    }

    private static String truncate(String text) {
        return text.length() <= MESSAGE_CHARS ? text : text.substring(0, MESSAGE_CHARS) + "…";
    }

    /** The exception and the first frames of its stack: enough to find the code, bounded in size. */
    static String stack(Throwable exception) {
        StringWriter text = new StringWriter();
        PrintWriter out = new PrintWriter(text);
        out.println(exception);
        StackTraceElement[] frames = exception.getStackTrace();
        for (int i = 0; i < Math.min(STACK_FRAMES, frames.length); i++) {
            out.println("\tat " + frames[i]);
        }
        if (exception.getCause() != null) {
            out.println("Caused by: " + exception.getCause());
        }
        out.flush();
        return text.toString();
    }
}
