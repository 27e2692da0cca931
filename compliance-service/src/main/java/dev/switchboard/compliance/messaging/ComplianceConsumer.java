package dev.switchboard.compliance.messaging;

import static dev.switchboard.compliance.messaging.IncomingRecords.deadLetter;
import static dev.switchboard.compliance.messaging.IncomingRecords.offsetOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.positionOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.withRetries;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.ComplianceService.Clearance;
import dev.switchboard.compliance.audit.PlatformChain;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.fault.KafkaDeadLetterQueue;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Reads {@code turns.raw} and {@code agent.results.raw}; for each event writes one audit row to PostgreSQL
 * and then, in one Kafka transaction together with the consumed offset, the cleared event to
 * {@code turns.cleared} (or, for a turn the tenant's policy blocks, a {@code TurnRejected} to
 * {@code turns.rejected}) or {@code agent.results.cleared}, keyed by session id. Records that cannot be
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

    /** Why an event naming the platform chain as its tenant is dead-lettered. */
    static final String RESERVED_TENANT = "the tenant " + PlatformChain.TENANT + " is reserved for the platform chain";

    private static final Logger LOG = Logger.getLogger(ComplianceConsumer.class);

    @Inject
    ComplianceService compliance;

    @Inject
    TaskTickets tickets;

    /** Cleared turns, and the rejections of blocked ones (sent to {@code turns.rejected} by record metadata). */
    @Inject
    @Channel(TURNS_CLEARED)
    KafkaTransactions<SpecificRecord> turnsCleared;

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
        if (PlatformChain.isReserved(record.getPayload().getEnvelope().getTenant())) {
            return deadLetter(record, RESERVED_TENANT);
        }
        Clearance<SpecificRecord> clearance = withRetries(() -> compliance.clearTurn(record.getPayload(), positionOf(record)));
        String topic = clearance.event() instanceof TurnRejected ? Topics.TURNS_REJECTED.name() : Topics.TURNS_CLEARED.name();
        return publish(turnsCleared, record, clearance, record.getPayload().getEnvelope().getSessionId(), topic);
    }

    @Incoming(AGENT_RESULTS_RAW)
    @Blocking
    public Uni<Void> clearResult(KafkaRecord<String, AgentResult> record) {
        AgentResult raw = record.getPayload();
        if (raw == null) {
            return deadLetter(record);
        }
        Optional<String> refusal = tickets.refusal(raw);
        if (refusal.isPresent()) {
            return refuse(record, raw, refusal.get());
        }
        if (PlatformChain.isReserved(raw.getEnvelope().getTenant())) {
            return deadLetter(record, RESERVED_TENANT);
        }
        Clearance<AgentResult> clearance = withRetries(() -> compliance.clearResult(record.getPayload(), positionOf(record)));
        return publish(resultsCleared, record, clearance, clearance.event().getEnvelope().getSessionId(),
                Topics.AGENT_RESULTS_CLEARED.name());
    }

    /**
     * Audits a refused result, then commits its offset in a Kafka transaction that publishes nothing to a cleared
     * topic; without a valid ticket the same transaction writes the record to {@code deadletters}, as it was read,
     * with the reason in the headers the dead-letter queue of the other records uses.
     */
    private Uni<Void> refuse(KafkaRecord<String, AgentResult> record, AgentResult raw, String refusal) {
        Optional<TaskTickets.Claims> ticket = tickets.verify(raw.getTicket());
        withRetries(() -> compliance.refuseResult(raw, refusal, ticket, positionOf(record)));
        LOG.warnf("Refused agent result %s-%d@%d: %s", record.getTopic(), record.getPartition(), offsetOf(record), refusal);
        if (ticket.isPresent()) {
            return inTransaction(resultsCleared, record, null, null, null, null);
        }
        return inTransaction(resultsCleared, record, raw, record.getKey(), Topics.DEAD_LETTERS.name(),
                deadLetterHeaders(record, "agent result refused: " + refusal));
    }

    private static Headers deadLetterHeaders(KafkaRecord<String, ?> record, String reason) {
        Headers headers = new RecordHeaders(record.getHeaders().toArray());
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_EXCEPTION_CLASS_NAME,
                IllegalArgumentException.class.getName().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_TOPIC, record.getTopic().getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_PARTITION,
                Integer.toString(record.getPartition()).getBytes(StandardCharsets.UTF_8));
        headers.add(KafkaDeadLetterQueue.DEAD_LETTER_OFFSET,
                Long.toString(offsetOf(record)).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /**
     * Writes the cleared event (unless it is a duplicate) and the record's offset in one Kafka transaction.
     * Unlike {@code withTransactionAndAck}, an aborted transaction is not nacked: a nack would dead-letter a
     * record that SmallRye is about to redeliver anyway, since an abort rewinds the consumer to the last
     * committed offset.
     */
    private static <T> Uni<Void> publish(KafkaTransactions<T> transactions, KafkaRecord<String, ?> record,
            Clearance<? extends T> clearance, String key, String topic) {
        return inTransaction(transactions, record, clearance.outcome().publishes() ? clearance.event() : null, key,
                topic, new RecordHeaders());
    }

    /** Commits the record's offset in one Kafka transaction, with {@code event} written to {@code topic} unless null. */
    private static <T> Uni<Void> inTransaction(KafkaTransactions<T> transactions, KafkaRecord<String, ?> record,
            T event, String key, String topic, Headers headers) {
        return transactions.withTransaction(record, emitter -> {
            if (event != null) {
                emitter.send(Message.<T>of(event).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(key).withTopic(topic).withHeaders(headers).build()));
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
}
