package dev.switchboard.compliance.messaging;

import static dev.switchboard.compliance.messaging.IncomingRecords.deadLetter;
import static dev.switchboard.compliance.messaging.IncomingRecords.offsetOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.positionOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.withRetries;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import dev.switchboard.compliance.AuditOutcome;
import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.events.SupervisorDecision;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Reads {@code supervisor.decisions} and writes one audit row to PostgreSQL per decision; it writes nothing
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

    // @Blocking (ordered): JDBC on a worker thread, one record at a time, so acknowledgements stay in order.
    @Incoming(SUPERVISOR_DECISIONS)
    @Blocking
    public Uni<Void> audit(KafkaRecord<String, SupervisorDecision> record) {
        SupervisorDecision decision = record.getPayload();
        if (decision == null) {
            return deadLetter(record);
        }
        AuditOutcome outcome;
        try {
            outcome = withRetries(() -> compliance.auditDecision(decision, positionOf(record)));
        } catch (RuntimeException e) {
            return Uni.createFrom().completionStage(record.nack(e));
        }
        if (outcome == AuditOutcome.DUPLICATE) {
            LOG.debugf("Decision %s at %s-%d@%d was audited before from another record", decision.getEnvelope()
                    .getEventId(), record.getTopic(), record.getPartition(), offsetOf(record));
        }
        return Uni.createFrom().completionStage(record.ack());
    }
}
