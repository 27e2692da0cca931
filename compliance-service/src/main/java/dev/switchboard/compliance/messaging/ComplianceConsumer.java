package dev.switchboard.compliance.messaging;

import static dev.switchboard.compliance.messaging.IncomingRecords.offsetOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.positionOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.auditBatch;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.ComplianceService.Clearance;
import dev.switchboard.compliance.ComplianceService.ResultItem;
import dev.switchboard.compliance.ComplianceService.Sourced;
import dev.switchboard.compliance.audit.PlatformChain;
import dev.switchboard.compliance.messaging.IncomingRecords.Audited;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topics;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Reads {@code turns.raw} and {@code agent.results.raw} in batches (one poll each); for each batch writes one audit
 * row per event to PostgreSQL in one database transaction and then, in one Kafka transaction together with the
 * batch's offsets, the cleared events to {@code turns.cleared} (or, for a turn the tenant's policy blocks, a
 * {@code TurnRejected} to {@code turns.rejected}) or {@code agent.results.cleared}, keyed by session id. A record
 * that cannot be decoded or audited is dead-lettered in the same transaction, its text withheld
 * ({@link RawDeadLetters}): SmallRye's dead-letter queue would write it as it was read.
 *
 * <p>Order of commits: the audit rows first (idempotent on the event id), then the Kafka transaction. A crash
 * between the two redelivers the batch, whose audit inserts are then no-ops and whose cleared events are published
 * for the first time. See the module README.
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

    @Inject
    KafkaClientService kafkaClients;

    @Inject
    @Identifier(RawGroupGenerations.NAME)
    RawGroupGenerations generations;

    /** Cleared turns, and the rejections of blocked ones (sent to {@code turns.rejected} by record metadata). */
    @Inject
    @Channel(TURNS_CLEARED)
    KafkaTransactions<SpecificRecord> turnsCleared;

    @Inject
    @Channel(AGENT_RESULTS_CLEARED)
    KafkaTransactions<AgentResult> resultsCleared;

    // @Blocking (ordered): the JDBC work runs on a worker thread, one batch at a time per channel, which is also
    // what KafkaTransactions needs (one transaction in progress per producer).
    @Incoming(TURNS_RAW)
    @Blocking
    public Uni<Void> clearTurns(KafkaRecordBatch<String, TurnReceived> batch) {
        List<Outgoing<SpecificRecord>> outgoing = new ArrayList<>();
        List<KafkaRecord<String, TurnReceived>> turns = new ArrayList<>();
        for (KafkaRecord<String, TurnReceived> record : batch.getRecords()) {
            if (record.getPayload() == null) {
                outgoing.add(undecodable(record));
            } else if (PlatformChain.isReserved(record.getPayload().getEnvelope().getTenant())) {
                outgoing.add(deadLetter(record, RawDeadLetters.withheld(record.getPayload()),
                        IllegalArgumentException.class.getName(), RESERVED_TENANT, null));
            } else {
                turns.add(record);
            }
        }
        for (Audited<TurnReceived, Clearance<SpecificRecord>> audited : auditBatch(turns,
                records -> compliance.clearTurns(records.stream()
                        .map(r -> new Sourced<>(r.getPayload(), positionOf(r))).toList()),
                (record, failure) -> outgoing.add(deadLetter(record, RawDeadLetters.withheld(record.getPayload()),
                        failure.getClass().getName(), RawDeadLetters.reason("could not be audited", failure),
                        record.getPayload().getEnvelope().getTenant())))) {
            Clearance<SpecificRecord> clearance = audited.result();
            if (clearance.outcome().publishes()) {
                String topic = clearance.event() instanceof TurnRejected ? Topics.TURNS_REJECTED.name()
                        : Topics.TURNS_CLEARED.name();
                outgoing.add(new Outgoing<>(clearance.event(),
                        audited.record().getPayload().getEnvelope().getSessionId(), topic, new RecordHeaders()));
            }
        }
        return inTransaction(TURNS_RAW, turnsCleared, batch, outgoing);
    }

    @Incoming(AGENT_RESULTS_RAW)
    @Blocking
    public Uni<Void> clearResults(KafkaRecordBatch<String, AgentResult> batch) {
        List<Outgoing<AgentResult>> outgoing = new ArrayList<>();
        // Each result's ticket is checked once; the audit and the publishing below both use that check.
        Map<KafkaRecord<String, AgentResult>, ResultItem> items = new IdentityHashMap<>();
        List<KafkaRecord<String, AgentResult>> results = new ArrayList<>();
        for (KafkaRecord<String, AgentResult> record : batch.getRecords()) {
            if (record.getPayload() == null) {
                outgoing.add(undecodable(record));
                continue;
            }
            ResultItem item;
            try {
                item = resultItem(record);
            } catch (RuntimeException e) {
                outgoing.add(deadLetter(record, RawDeadLetters.withheld(record.getPayload()), e.getClass().getName(),
                        RawDeadLetters.reason("ticket could not be checked", e), null));
                continue;
            }
            if (item.refusal() == null && PlatformChain.isReserved(item.raw().getEnvelope().getTenant())) {
                outgoing.add(deadLetter(record, RawDeadLetters.withheld(record.getPayload()),
                        IllegalArgumentException.class.getName(), RESERVED_TENANT, null));
            } else {
                items.put(record, item);
                results.add(record);
            }
        }
        for (Audited<AgentResult, Clearance<AgentResult>> audited : auditBatch(results,
                records -> compliance.clearResults(records.stream().map(items::get).toList()),
                (record, failure) -> outgoing.add(deadLetter(record, RawDeadLetters.withheld(record.getPayload()),
                        failure.getClass().getName(), RawDeadLetters.reason("could not be audited", failure),
                        trustedTenant(items.get(record)))))) {
            KafkaRecord<String, AgentResult> record = audited.record();
            ResultItem item = items.get(record);
            if (item.refusal() != null) {
                LOG.warnf("Refused agent result %s-%d@%d: %s", record.getTopic(), record.getPartition(),
                        offsetOf(record), item.refusal());
                if (item.ticket().isEmpty()) {
                    // Without a valid ticket the record is dead-lettered, its text withheld, in the same transaction.
                    outgoing.add(deadLetter(record, RawDeadLetters.withheld(item.raw()),
                            IllegalArgumentException.class.getName(), "agent result refused: " + item.refusal(), null));
                }
            } else if (audited.result().outcome().publishes()) {
                outgoing.add(new Outgoing<>(audited.result().event(),
                        audited.result().event().getEnvelope().getSessionId(), Topics.AGENT_RESULTS_CLEARED.name(),
                        new RecordHeaders()));
            }
        }
        return inTransaction(AGENT_RESULTS_RAW, resultsCleared, batch, outgoing);
    }

    private ResultItem resultItem(KafkaRecord<String, AgentResult> record) {
        AgentResult raw = record.getPayload();
        String refusal = tickets.refusal(raw).orElse(null);
        return new ResultItem(raw, positionOf(record), refusal,
                refusal == null ? Optional.empty() : tickets.verify(raw.getTicket()));
    }

    /**
     * The tenant a result belongs to as far as its ticket shows: the envelope's when the ticket holds, the ticket's
     * when the ticket is valid but names another task; null without a valid ticket.
     */
    private static String trustedTenant(ResultItem item) {
        if (item.refusal() == null) {
            return item.raw().getEnvelope().getTenant();
        }
        return item.ticket().map(TaskTickets.Claims::tenant).orElse(null);
    }

    /** One record to publish in the batch's transaction. */
    private record Outgoing<T>(T event, String key, String topic, Headers headers) {
    }

    /** A raw record's dead letter (see {@link RawDeadLetters}), written in the batch's transaction. */
    private static <T> Outgoing<T> deadLetter(KafkaRecord<String, ?> record, T withheld, String exceptionClass,
            String reason, String tenant) {
        return new Outgoing<>(withheld, record.getKey(), Topics.DEAD_LETTERS.name(),
                RawDeadLetters.headers(record, exceptionClass, reason, tenant));
    }

    /** The dead letter of a record that did not decode: no value, its length and digest in the headers. */
    private static <T> Outgoing<T> undecodable(KafkaRecord<String, ?> record) {
        return new Outgoing<>(null, record.getKey(), Topics.DEAD_LETTERS.name(),
                RawDeadLetters.undecodableHeaders(record));
    }

    /**
     * Writes the batch's outgoing records and the offsets of all its records in one Kafka transaction. Unlike
     * {@code withTransactionAndAck}, an aborted transaction is not nacked: a nack would dead-letter records that
     * SmallRye is about to redeliver anyway, since an abort rewinds the consumer to the last committed offsets.
     */
    private <T> Uni<Void> inTransaction(String channel, KafkaTransactions<T> transactions,
            KafkaRecordBatch<String, ?> batch, List<Outgoing<T>> outgoing) {
        return transactions.withTransaction(batch, emitter -> {
            for (Outgoing<T> record : outgoing) {
                emitter.send(Message.<T>of(record.event()).addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withKey(record.key()).withTopic(record.topic()).withHeaders(record.headers()).build()));
            }
            return Uni.createFrom().voidItem();
        })
                .call(() -> rewindIfRebalanced(channel, batch))
                .onItem().transformToUni(committed -> Uni.createFrom().completionStage(batch.ack()))
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf(failure, "Kafka transaction for a batch of %d records aborted; it will be processed "
                            + "again from the last committed offsets", batch.getRecords().size());
                    return null;
                });
    }

    /**
     * After a batch's transaction: when the group completed a rebalance since the batch was polled, back to the last
     * committed positions. SmallRye aborts the transaction of a batch whose group generation is gone, but then reports
     * it committed and leaves the consumer after the batch; with cooperative rebalancing the batch's partitions may
     * stay with this member, which would then skip the batch (and commit past it with the next one). After a commit
     * that did go through, the committed positions are where the consumer is anyway.
     */
    private Uni<Void> rewindIfRebalanced(String channel, KafkaRecordBatch<String, ?> batch) {
        int polledIn = batch.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                .map(IncomingKafkaRecordBatchMetadata::getConsumerGroupGenerationId).orElse(-1);
        String group = String.valueOf(kafkaClients.getConsumer(channel).configuration()
                .get(ConsumerConfig.GROUP_ID_CONFIG));
        if (!generations.movedOnFrom(group, polledIn)) {
            return Uni.createFrom().voidItem();
        }
        LOG.warnf("The group of channel %s rebalanced while a batch of %d records was processed; back to the last "
                + "committed positions", channel, batch.getRecords().size());
        return kafkaClients.getConsumer(channel).resetToLastCommittedPositions();
    }
}
