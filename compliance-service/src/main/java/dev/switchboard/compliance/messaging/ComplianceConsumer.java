package dev.switchboard.compliance.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.ComplianceService.Clearance;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Reads {@code turns.raw} and {@code agent.results.raw}; for each event writes one audit row to PostgreSQL
 * and then, in one Kafka transaction together with the consumed offset, the cleared event to
 * {@code turns.cleared} or {@code agent.results.cleared}, keyed by session id. Records that cannot be
 * decoded or audited go to {@code deadletters} with the reason.
 *
 * <p>Order of commits: the audit row first (its own database transaction, idempotent on the event id),
 * then the Kafka transaction. A crash between the two redelivers the record, whose audit insert is then a
 * no-op and whose cleared event is published for the first time. See the module README.
 */
@ApplicationScoped
public class ComplianceConsumer {

    public static final String TURNS_RAW = "turns-raw";
    public static final String AGENT_RESULTS_RAW = "agent-results-raw";
    public static final String TURNS_CLEARED = "turns-cleared";
    public static final String AGENT_RESULTS_CLEARED = "agent-results-cleared";

    private static final Logger LOG = Logger.getLogger(ComplianceConsumer.class);

    /** About half a minute of retries in all before a record is dead-lettered. */
    private static final int AUDIT_RETRIES = 8;
    private static final Duration AUDIT_FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration AUDIT_MAX_BACKOFF = Duration.ofSeconds(8);

    @Inject
    ComplianceService compliance;

    @Inject
    @Channel(TURNS_CLEARED)
    KafkaTransactions<TurnReceived> turnsCleared;

    @Inject
    @Channel(AGENT_RESULTS_CLEARED)
    KafkaTransactions<AgentResult> resultsCleared;

    // @Blocking (ordered): the JDBC work runs on a worker thread, one record at a time per channel, which
    // is also what KafkaTransactions needs (one transaction in progress per producer).
    @Incoming(TURNS_RAW)
    @Blocking
    public Uni<Void> clearTurn(KafkaRecord<String, TurnReceived> record) {
        if (record.getPayload() == null) {
            return deadLetter(record);
        }
        Clearance<TurnReceived> clearance = withRetries(() -> compliance.clearTurn(record.getPayload(), positionOf(record)));
        return publish(turnsCleared, record, clearance, clearance.event().getEnvelope().getSessionId());
    }

    @Incoming(AGENT_RESULTS_RAW)
    @Blocking
    public Uni<Void> clearResult(KafkaRecord<String, AgentResult> record) {
        if (record.getPayload() == null) {
            return deadLetter(record);
        }
        Clearance<AgentResult> clearance = withRetries(() -> compliance.clearResult(record.getPayload(), positionOf(record)));
        return publish(resultsCleared, record, clearance, clearance.event().getEnvelope().getSessionId());
    }

    /**
     * Writes the cleared event (unless it is a duplicate) and the record's offset in one Kafka transaction.
     * Unlike {@code withTransactionAndAck}, an aborted transaction is not nacked: a nack would dead-letter a
     * record that SmallRye is about to redeliver anyway, since an abort rewinds the consumer to the last
     * committed offset.
     */
    private static <T> Uni<Void> publish(KafkaTransactions<T> transactions, KafkaRecord<String, ?> record,
            Clearance<T> clearance, String key) {
        return transactions.withTransaction(record, emitter -> {
            if (clearance.outcome().publishes()) {
                emitter.send(KafkaRecord.of(key, clearance.event()));
            }
            return Uni.createFrom().voidItem();
        })
                .onItem().transformToUni(committed -> Uni.createFrom().completionStage(record.ack()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "Kafka transaction for %s-%d@%d aborted; it will be processed again "
                            + "from the last committed offset", record.getTopic(), record.getPartition(),
                            offsetOf(record));
                    return null;
                });
    }

    /**
     * Audits with bounded retries and exponential back-off, so that a database restart or failover does not
     * send records to the dead-letter topic; a failure that outlasts them does (and can be replayed from there).
     */
    private static <T> Clearance<T> withRetries(Supplier<Clearance<T>> audit) {
        return Uni.createFrom().item(audit)
                .onFailure().retry().withBackOff(AUDIT_FIRST_BACKOFF, AUDIT_MAX_BACKOFF).atMost(AUDIT_RETRIES)
                .await().indefinitely();
    }

    /** A record whose value did not decode reaches here with no payload, if at all: dead-letter it. */
    private static Uni<Void> deadLetter(KafkaRecord<String, ?> record) {
        return Uni.createFrom().completionStage(record.nack(new IllegalArgumentException(
                "Record " + record.getTopic() + "-" + record.getPartition() + "@" + offsetOf(record)
                        + " has no decodable value")));
    }

    private static SourcePosition positionOf(KafkaRecord<String, ?> record) {
        return new SourcePosition(record.getTopic(), record.getPartition(), offsetOf(record));
    }

    private static long offsetOf(KafkaRecord<String, ?> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getOffset)
                .orElseThrow(() -> new IllegalStateException("Not an incoming Kafka record: " + record));
    }
}
