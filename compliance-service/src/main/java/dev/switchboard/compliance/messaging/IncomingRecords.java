package dev.switchboard.compliance.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import dev.switchboard.compliance.SourcePosition;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;

/** What every input channel of this service does the same way: audit retries, dead-lettering, positions. */
final class IncomingRecords {

    /** About half a minute of retries in all before a record is dead-lettered. */
    private static final int AUDIT_RETRIES = 8;
    private static final Duration AUDIT_FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration AUDIT_MAX_BACKOFF = Duration.ofSeconds(8);

    private IncomingRecords() {
    }

    /**
     * Audits with bounded retries and exponential back-off, so that a database restart or failover does not
     * send records to the dead-letter topic; a failure that outlasts them does (and can be replayed from there).
     */
    static <R> R withRetries(Supplier<R> audit) {
        return Uni.createFrom().item(audit)
                .onFailure().retry().withBackOff(AUDIT_FIRST_BACKOFF, AUDIT_MAX_BACKOFF).atMost(AUDIT_RETRIES)
                .await().indefinitely();
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
