package dev.switchboard.compliance.messaging;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import dev.switchboard.compliance.SourcePosition;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/** What every input channel of this service does the same way: audit retries, dead-lettering, positions. */
final class IncomingRecords {

    private static final Logger LOG = Logger.getLogger(IncomingRecords.class);

    /** Retries of a failure the record itself causes, before the record alone is dead-lettered. */
    private static final int RECORD_RETRIES = 3;
    private static final Duration AUDIT_FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration AUDIT_MAX_BACKOFF = Duration.ofSeconds(8);

    private IncomingRecords() {
    }

    /**
     * Audits, with exponential back-off (200 ms doubling to 8 s) between attempts. While the database is down,
     * unreachable or refuses for a reason of its own (any SQL error but a data or constraint error), it tries
     * again without end: the channel pauses and nothing is dead-lettered, so a database restart, failover or
     * long outage loses nothing. A failure the data causes (SQL states 22 and 23) or any other exception is
     * retried {@value #RECORD_RETRIES} times and then thrown, so that the caller dead-letters that record alone.
     */
    static <R> R withRetries(Supplier<R> audit) {
        Duration backoff = AUDIT_FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                return audit.get();
            } catch (RuntimeException e) {
                boolean databaseUnavailable = databaseUnavailable(e);
                if (!databaseUnavailable && attempt > RECORD_RETRIES) {
                    throw e;
                }
                LOG.warnf("Audit attempt %d failed (%s); %s in %d ms", attempt, e,
                        databaseUnavailable ? "the database is unavailable, consumption waits and tries again"
                                : "trying again", backoff.toMillis());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = backoff.multipliedBy(2).compareTo(AUDIT_MAX_BACKOFF) > 0 ? AUDIT_MAX_BACKOFF
                        : backoff.multipliedBy(2);
            }
        }
    }

    /** Whether a failure comes from the database rather than from the record: an SQL error not of class 22 or 23. */
    static boolean databaseUnavailable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState();
                return state == null || !(state.startsWith("22") || state.startsWith("23"));
            }
        }
        return false;
    }

    /** A record and what its audit gave. */
    record Audited<I, R>(KafkaRecord<String, I> record, R result) {
    }

    /**
     * Audits the records in one database transaction ({@code work}: one result per record, in order), retried as
     * {@link #withRetries} does. When the batch fails for a reason the data causes, each record is audited alone,
     * and a record that still fails is dead-lettered through the channel's dead-letter queue: one bad record does
     * not hold up the others.
     *
     * @return the records audited, with their results (dead-lettered records left out)
     */
    static <I, R> List<Audited<I, R>> auditBatch(List<KafkaRecord<String, I>> records,
            Function<List<KafkaRecord<String, I>>, List<R>> work) {
        return auditBatch(records, work,
                (record, failure) -> deadLetter(record, "could not be audited: " + failure).await().indefinitely());
    }

    /**
     * As {@link #auditBatch(List, Function)}, but a record that still fails alone is handed to {@code failed} (with
     * its failure) instead of being nacked. A {@link StackOverflowError} (a pattern recursing on hostile text) is
     * such a failure too: it is the record's, not the service's.
     */
    static <I, R> List<Audited<I, R>> auditBatch(List<KafkaRecord<String, I>> records,
            Function<List<KafkaRecord<String, I>>, List<R>> work,
            BiConsumer<KafkaRecord<String, I>, Throwable> failed) {
        if (records.isEmpty()) {
            return List.of();
        }
        try {
            List<R> results = withRetries(() -> work.apply(records));
            List<Audited<I, R>> audited = new ArrayList<>(records.size());
            for (int i = 0; i < records.size(); i++) {
                audited.add(new Audited<>(records.get(i), results.get(i)));
            }
            return audited;
        } catch (RuntimeException | StackOverflowError batchFailure) {
            if (records.size() == 1) {
                LOG.warnf("Record %s-%d@%d could not be audited (%s): dead-lettered", records.get(0).getTopic(),
                        records.get(0).getPartition(), offsetOf(records.get(0)), batchFailure.getClass().getName());
                failed.accept(records.get(0), batchFailure);
                return List.of();
            }
            LOG.warnf("A batch of %d records could not be audited (%s); auditing them one by one",
                    records.size(), batchFailure.getClass().getName());
            List<Audited<I, R>> audited = new ArrayList<>();
            for (KafkaRecord<String, I> record : records) {
                audited.addAll(auditBatch(List.of(record), work, failed));
            }
            return audited;
        }
    }

    /** A record whose value did not decode reaches here with no payload, if at all: dead-letter it. */
    static Uni<Void> deadLetter(KafkaRecord<String, ?> record) {
        return deadLetter(record, "has no decodable value");
    }

    /** Sends the record to the channel's dead-letter topic, with the reason in its headers. */
    static Uni<Void> deadLetter(KafkaRecord<String, ?> record, String why) {
        return Uni.createFrom().completionStage(record.nack(new IllegalArgumentException(
                "Record " + record.getTopic() + "-" + record.getPartition() + "@" + offsetOf(record) + " " + why)));
    }

    static SourcePosition positionOf(KafkaRecord<String, ?> record) {
        return new SourcePosition(record.getTopic(), record.getPartition(), offsetOf(record));
    }

    static long offsetOf(KafkaRecord<String, ?> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getOffset)
                .orElseThrow(() -> new IllegalStateException("Not an incoming Kafka record: " + record));
    }
}
