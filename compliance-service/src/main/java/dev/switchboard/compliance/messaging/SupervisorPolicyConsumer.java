package dev.switchboard.compliance.messaging;

import static dev.switchboard.compliance.messaging.IncomingRecords.deadLetter;
import static dev.switchboard.compliance.messaging.IncomingRecords.positionOf;
import static dev.switchboard.compliance.messaging.IncomingRecords.withRetries;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.reactive.messaging.Incoming;

import dev.switchboard.compliance.audit.OperationsAudit;
import dev.switchboard.compliance.audit.PlatformChain;
import dev.switchboard.events.SupervisorPolicy;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;

/**
 * Reads {@code supervisor.policies} (compacted, key = tenant; written only by the supervisor, which sets
 * {@code updatedBy} from the operator's verified token) and appends one {@code POLICY_CHANGE} row per record to the
 * tenant's chain of the record's partition, so the supervisor's routing rules and budgets are as accountable as
 * compliance's own policy. A tombstone is a removal, audited with the operator the {@value #ACTOR_HEADER} header names. Writes nothing to Kafka except records that cannot be decoded or audited, which go to
 * {@code deadletters} with the reason.
 *
 * <p>Idempotent on the record's position: a record read again (after a crash before the offset commit, or by a new
 * consumer group reading the compacted topic from its start) adds no row. The record is acknowledged once its row
 * has committed; a record compacted away before compliance read it is not audited.
 */
@ApplicationScoped
public class SupervisorPolicyConsumer {

    public static final String SUPERVISOR_POLICIES = "supervisor-policies";
    /**
     * The header in which the supervisor names the verified operator of every record, tombstones included (a
     * tombstone has no {@code updatedBy}). Only the supervisor may write the topic, so the header is as trustworthy
     * as the value.
     */
    public static final String ACTOR_HEADER = "switchboard-actor";

    @Inject
    OperationsAudit audit;

    // @Blocking (ordered): JDBC on a worker thread, one record at a time, so acknowledgements stay in order.
    @Incoming(SUPERVISOR_POLICIES)
    @Blocking
    public Uni<Void> audit(KafkaRecord<String, SupervisorPolicy> record) {
        SupervisorPolicy policy = record.getPayload();
        if (policy == null && record.getHeaders().lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON) != null) {
            return deadLetter(record);
        }
        String tenant = record.getKey() != null ? record.getKey() : policy == null ? null : policy.getTenant();
        if (tenant == null || PlatformChain.isReserved(tenant) || (policy != null && !tenant.equals(policy.getTenant()))) {
            return deadLetter(record, "does not name one tenant in its key and value");
        }
        try {
            org.apache.kafka.common.header.Header actor = record.getHeaders().lastHeader(ACTOR_HEADER);
            String named = actor == null || actor.value() == null ? null
                    : new String(actor.value(), java.nio.charset.StandardCharsets.UTF_8);
            withRetries(() -> audit.supervisorPolicyChanged(tenant, policy, named, positionOf(record)));
        } catch (RuntimeException e) {
            return Uni.createFrom().completionStage(record.nack(e));
        }
        return Uni.createFrom().completionStage(record.ack());
    }
}
