package dev.switchboard.compliance.messaging;

import static dev.switchboard.compliance.messaging.IncomingRecords.deadLetter;
import static dev.switchboard.compliance.messaging.IncomingRecords.offsetOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.positionOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.auditBatch;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.switchboard.compliance.AuditOutcome;
import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.ComplianceService.Sourced;
import dev.switchboard.compliance.messaging.IncomingRecords.Audited;
import dev.switchboard.events.SupervisorDecision;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;

/**
 * Reads {@code supervisor.decisions} in batches and writes one audit row to PostgreSQL per decision, one database
 * transaction per batch; it writes nothing
 * to Kafka except records that cannot be decoded or audited, which go to {@code deadletters} with the reason.
 *
 * <p>The record is acknowledged only once its row has committed, and the channel commits only acknowledged
 * offsets, so a crash before the commit reads the decision again; the insert, idempotent on the event id,
 * then finds the row and adds nothing.
 */
@ApplicationScoped
public class SupervisorDecisionConsumer {

    public static final String SUPERVISOR_DECISIONS = "supervisor-decisions";

    private static final Logger LOG = Logger.getLogger(SupervisorDecisionConsumer.class);

    @Inject
    ComplianceService compliance;

    // @Blocking (ordered): JDBC on a worker thread, one batch at a time, so acknowledgements stay in order.
    @Incoming(SUPERVISOR_DECISIONS)
    @Blocking
    public Uni<Void> audit(KafkaRecordBatch<String, SupervisorDecision> batch) {
        List<KafkaRecord<String, SupervisorDecision>> decisions = new ArrayList<>();
        for (KafkaRecord<String, SupervisorDecision> record : batch.getRecords()) {
            if (record.getPayload() == null) {
                deadLetter(record).await().indefinitely();
            } else {
                decisions.add(record);
            }
        }
        for (Audited<SupervisorDecision, AuditOutcome> audited : auditBatch(decisions, records -> compliance
                .auditDecisions(records.stream().map(r -> new Sourced<>(r.getPayload(), positionOf(r))).toList()))) {
            KafkaRecord<String, SupervisorDecision> record = audited.record();
            if (audited.result() == AuditOutcome.DUPLICATE) {
                LOG.debugf("Decision %s at %s-%d@%d was audited before from another record", record.getPayload()
                        .getEnvelope().getEventId(), record.getTopic(), record.getPartition(), offsetOf(record));
            }
            record.ack().toCompletableFuture().join();
        }
        return Uni.createFrom().voidItem();
    }
}
