package dev.switchboard.compliance.messaging;

import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.switchboard.compliance.Clearing;
import dev.switchboard.compliance.Clearing.Cleared;
import dev.switchboard.compliance.audit.AuditEventRepository;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.TurnReceived;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.transactions.KafkaTransactions;

/**
 * Clears what users and agents said before anyone else reads it. Reads {@code turns.raw} and
 * {@code agent.results.raw}; writes {@code turns.cleared} and {@code agent.results.cleared} and one
 * audit row per event in PostgreSQL.
 *
 * <p>Audit row and published event agree after a crash: for each record, inside one Kafka
 * transaction, the audit row is inserted idempotently (keyed by event id, committed in its own
 * database transaction), then the cleared event is sent, then the transaction commits together with
 * the consumer offset. A crash before the Kafka commit aborts the transaction and redelivers the
 * record: the insert finds the row and does nothing, and the cleared event is published once.
 * Consumers read with {@code read_committed}, so an aborted attempt is never seen.
 */
@ApplicationScoped
public class RawEventsConsumer {

    public static final String TURNS_RAW = "turns-raw";
    public static final String TURNS_CLEARED = "turns-cleared";
    public static final String RESULTS_RAW = "agent-results-raw";
    public static final String RESULTS_CLEARED = "agent-results-cleared";

    private final Clearing clearing = new Clearing();
    private final AuditEventRepository audit;
    private final KafkaTransactions<TurnReceived> clearedTurns;
    private final KafkaTransactions<AgentResult> clearedResults;

    RawEventsConsumer(AuditEventRepository audit,
            @Channel(TURNS_CLEARED) KafkaTransactions<TurnReceived> clearedTurns,
            @Channel(RESULTS_CLEARED) KafkaTransactions<AgentResult> clearedResults) {
        this.audit = audit;
        this.clearedTurns = clearedTurns;
        this.clearedResults = clearedResults;
    }

    @Incoming(TURNS_RAW)
    public Uni<Void> clearTurn(IncomingKafkaRecord<String, TurnReceived> record) {
        return clearAndPublish(record, clearing::turn, clearedTurns);
    }

    @Incoming(RESULTS_RAW)
    public Uni<Void> clearResult(IncomingKafkaRecord<String, AgentResult> record) {
        return clearAndPublish(record, clearing::result, clearedResults);
    }

    private <T> Uni<Void> clearAndPublish(IncomingKafkaRecord<String, T> record, Function<T, Cleared<T>> clear,
            KafkaTransactions<T> out) {
        Cleared<T> cleared = clear.apply(record.getPayload());
        return out.withTransactionAndAck(record, emitter -> Uni.createFrom()
                .item(() -> audit.recordOnce(cleared.audit(), record.getTopic(), record.getPartition(), record.getOffset()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .invoke(() -> emitter.send(KafkaRecord.of(record.getKey(), cleared.event())))
                .replaceWithVoid());
    }
}
