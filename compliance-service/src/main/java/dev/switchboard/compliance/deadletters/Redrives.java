package dev.switchboard.compliance.deadletters;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import dev.switchboard.compliance.audit.OperationsAudit;
import dev.switchboard.events.Envelope;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.schemas.access.BrokerCredentials;

/**
 * Writes dead letters back to the topics they were read from, at most once each. A re-drive writes the dead letter's
 * key, value and headers (less the {@code dead-letter-*} ones, plus {@link DeadLetters#REDRIVEN_FROM} naming the dead
 * letter) to its source topic, partitioned by its key as every writer of the topic does, and records it in
 * {@code dead_letter_redrives} (keyed by the dead letter's position) and in an audit row ({@code REDRIVE}, actor the
 * operator) in one database transaction. The row is inserted before the record is written: a second re-drive of the
 * same dead letter, even one running at the same moment, finds it (waiting for the first one's transaction when it
 * must) and writes nothing.
 *
 * <p>The producer connects as the re-drive principal ({@value BrokerAccess#REDRIVE} by default), not as the service's
 * own: only that principal may write task topics and replies. Without its password
 * ({@code switchboard.kafka.redrive.password}) nothing is re-driven ({@link #configured()} is false).
 */
@ApplicationScoped
public class Redrives {

    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final KafkaClientConfig kafka;
    private final OperationsAudit audit;
    private final EntityManager entityManager;
    private final String username;
    private final Optional<String> password;
    private KafkaProducer<byte[], byte[]> producer;

    public Redrives(KafkaClientConfig kafka, OperationsAudit audit, EntityManager entityManager,
            @ConfigProperty(name = "switchboard.kafka.redrive.username", defaultValue = BrokerAccess.REDRIVE) String username,
            @ConfigProperty(name = "switchboard.kafka.redrive.password") Optional<String> password) {
        this.kafka = kafka;
        this.audit = audit;
        this.entityManager = entityManager;
        this.username = username;
        this.password = password.filter(value -> !value.isBlank());
    }

    /**
     * A dead letter re-driven: where its record was written, by whom and when.
     *
     * @param auditEventId the event id of the re-drive's audit row
     */
    public record Redrive(String deadLetter, String topic, int partition, long offset, String redrivenBy,
            Instant redrivenAt, String auditEventId) {
    }

    /**
     * What a request to re-drive did.
     *
     * @param already whether the dead letter had been re-driven before (then nothing was written now)
     */
    public record Outcome(Redrive redrive, boolean already) {
    }

    /** Thrown when the record could not be written: nothing was recorded, and the request may be sent again. */
    public static class NotWritten extends RuntimeException {
        NotWritten(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Whether the re-drive principal's password is configured: without it nothing is re-driven. */
    public boolean configured() {
        return password.isPresent();
    }

    /** The re-drives of these dead letters, by dead letter id. */
    @Transactional
    public Map<String, Redrive> of(Collection<DeadLetter> letters) {
        Map<String, Redrive> found = new HashMap<>();
        if (letters.isEmpty()) {
            return found;
        }
        Map<Integer, List<Long>> offsets = new HashMap<>();
        letters.forEach(letter -> offsets.computeIfAbsent(letter.partition(), p -> new java.util.ArrayList<>())
                .add(letter.offset()));
        for (Map.Entry<Integer, List<Long>> partition : offsets.entrySet()) {
            @SuppressWarnings("unchecked")
            List<Object[]> rows = entityManager.createNativeQuery(SELECT + " AND dead_letter_offset IN (:offsets)")
                    .setParameter("partition", partition.getKey())
                    .setParameter("offsets", partition.getValue())
                    .getResultList();
            rows.stream().map(Redrives::redrive).forEach(redrive -> found.put(redrive.deadLetter(), redrive));
        }
        return found;
    }

    /** The re-drive of this dead letter, if it was re-driven. */
    @Transactional
    public Optional<Redrive> of(DeadLetter letter) {
        return Optional.ofNullable(of(List.of(letter)).get(letter.id()));
    }

    /**
     * Re-drives a dead letter the caller has found re-drivable ({@link DeadLetter#notRedrivable()} empty) for its
     * tenant, unless it was re-driven before.
     *
     * @param actor the verified caller, as the audit row's actor and {@code redrivenBy}
     * @throws NotWritten when the broker did not acknowledge the record (the transaction rolls back)
     */
    @Transactional
    public Outcome redrive(DeadLetter letter, String actor) {
        if (!configured()) {
            throw new IllegalStateException("the re-drive principal's password is not configured");
        }
        String topic = letter.sourceTopic();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int claimed = entityManager.createNativeQuery("""
                INSERT INTO dead_letter_redrives (dead_letter_partition, dead_letter_offset, tenant, target_topic,
                                                  redriven_by, redriven_at)
                VALUES (:partition, :offset, :tenant, :topic, :actor, :at)
                ON CONFLICT (dead_letter_partition, dead_letter_offset) DO NOTHING
                """)
                .setParameter("partition", letter.partition())
                .setParameter("offset", letter.offset())
                .setParameter("tenant", letter.tenant())
                .setParameter("topic", topic)
                .setParameter("actor", actor)
                .setParameter("at", OffsetDateTime.ofInstant(now, java.time.ZoneOffset.UTC))
                .executeUpdate();
        if (claimed == 0) {
            return new Outcome(of(letter).orElseThrow(), true);
        }
        RecordMetadata written = write(letter, topic);
        Envelope envelope = envelopeOf(letter.event());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("deadLetter", letter.id());
        content.put("eventId", envelope == null ? null : envelope.getEventId());
        content.put("source", position(topic, letter.sourcePartition(), letter.sourceOffset()));
        content.put("target", position(written.topic(), written.partition(), written.offset()));
        String eventId = audit.deadLetterRedriven(letter.tenant(), actor,
                envelope == null ? null : envelope.getSessionId(), envelope == null ? null : envelope.getTurnId(),
                content);
        entityManager.createNativeQuery("""
                UPDATE dead_letter_redrives SET target_partition = :targetPartition, target_offset = :targetOffset,
                                                audit_event_id = :eventId
                 WHERE dead_letter_partition = :partition AND dead_letter_offset = :offset
                """)
                .setParameter("targetPartition", written.partition())
                .setParameter("targetOffset", written.offset())
                .setParameter("eventId", eventId)
                .setParameter("partition", letter.partition())
                .setParameter("offset", letter.offset())
                .executeUpdate();
        return new Outcome(new Redrive(letter.id(), written.topic(), written.partition(), written.offset(), actor, now,
                eventId), false);
    }

    private RecordMetadata write(DeadLetter letter, String topic) {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : letter.headers()) {
            if (!header.key().startsWith(DeadLetters.PREFIX)) {
                headers.add(header);
            }
        }
        DeadLetters.add(headers, DeadLetters.REDRIVEN_FROM, letter.id());
        try {
            return producer().send(new ProducerRecord<>(topic, null, letter.key(), letter.value(), headers))
                    .get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotWritten("interrupted while writing to " + topic, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new NotWritten("the broker did not acknowledge the record on " + topic, e);
        }
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Map<String, Object> config = kafka.with(Map.of(
                    SaslConfigs.SASL_JAAS_CONFIG, BrokerCredentials.jaasConfig(username, password.orElseThrow()),
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-redrive",
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }
        return producer;
    }

    @PreDestroy
    synchronized void close() {
        if (producer != null) {
            producer.close();
        }
    }

    private static final String SELECT = """
            SELECT dead_letter_partition, dead_letter_offset, target_topic, target_partition, target_offset,
                   redriven_by, redriven_at, audit_event_id
              FROM dead_letter_redrives
             WHERE dead_letter_partition = :partition""";

    private static Redrive redrive(Object[] row) {
        return new Redrive(row[0] + "-" + row[1], (String) row[2], ((Number) row[3]).intValue(),
                ((Number) row[4]).longValue(), (String) row[5], instant(row[6]), (String) row[7]);
    }

    private static Instant instant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime time) {
            return time.toInstant();
        }
        return ((java.sql.Timestamp) value).toInstant();
    }

    private static Map<String, Object> position(String topic, Integer partition, Long offset) {
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("topic", topic);
        position.put("partition", partition);
        position.put("offset", offset);
        return position;
    }

    private static Envelope envelopeOf(SpecificRecord event) {
        org.apache.avro.Schema.Field field = event == null ? null : event.getSchema().getField("envelope");
        return field == null ? null : (Envelope) event.get(field.pos());
    }
}
