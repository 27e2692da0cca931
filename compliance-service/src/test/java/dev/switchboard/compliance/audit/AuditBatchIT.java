package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.turn;
import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.AuditOutcome;
import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.ComplianceService.Clearance;
import dev.switchboard.compliance.ComplianceService.Sourced;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The batch path against a real PostgreSQL: one database transaction per batch keeps one audit row per event and
 * gap-free, valid chains, also when two instances append batches for the same tenants at the same time.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class AuditBatchIT {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Inject
    AuditVerificationService verification;

    private static Sourced<TurnReceived> at(TurnReceived turn, int partition, long offset) {
        return new Sourced<>(turn, new SourcePosition("turns.raw", partition, offset));
    }

    @Test
    void aBatchAuditsOneRowPerEventAndRecognisesCopiesAndRedeliveries() {
        String tenant = uniqueTenant();
        TurnReceived first = turn(tenant, "alice", "s-1", "t1", "hello");
        TurnReceived second = turn(tenant, "alice", "s-1", "t2", "my mail is zoe@example.com");
        List<Sourced<TurnReceived>> batch = List.of(at(first, 0, 10), at(second, 0, 11), at(first, 0, 12));

        List<Clearance<SpecificRecord>> cleared = compliance.clearTurns(batch);

        assertThat(cleared).extracting(Clearance::outcome)
                .containsExactly(AuditOutcome.RECORDED, AuditOutcome.RECORDED, AuditOutcome.DUPLICATE);
        assertThat(((TurnReceived) cleared.get(1).event()).getText()).isEqualTo("my mail is [EMAIL]");
        assertThat(chain(tenant)).extracting(row -> row.eventId)
                .containsExactly(first.getEnvelope().getEventId(), second.getEnvelope().getEventId());

        // The same batch read again (its Kafka transaction aborted): nothing new, both published again.
        assertThat(compliance.clearTurns(batch)).extracting(Clearance::outcome)
                .containsExactly(AuditOutcome.REDELIVERED, AuditOutcome.REDELIVERED, AuditOutcome.DUPLICATE);
        assertThat(chain(tenant)).hasSize(2);
        assertThat(verification.verify(tenant).valid()).isTrue();
    }

    @Test
    void concurrentBatchesOfTwoInstancesForTheSameTenantsMakeGapFreeValidChains() throws Exception {
        String acme = uniqueTenant();
        String globex = uniqueTenant();
        int instances = 2;
        int batches = 10;
        int perBatch = 20;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int instance = 0; instance < instances; instance++) {
                int partition = instance;
                Callable<Integer> work = () -> {
                    int recorded = 0;
                    for (int b = 0; b < batches; b++) {
                        List<Sourced<TurnReceived>> batch = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            String tenant = (i + partition) % 2 == 0 ? acme : globex;
                            batch.add(at(turn(tenant, "user-" + partition, "s-" + partition, "t" + b + "-" + i,
                                    "message " + i), partition, (long) b * perBatch + i));
                        }
                        // Each instance meets the tenants in its own order; the heads are locked in one order.
                        if (partition == 1) {
                            Collections.reverse(batch);
                        }
                        recorded += (int) compliance.clearTurns(batch).stream()
                                .filter(c -> c.outcome() == AuditOutcome.RECORDED).count();
                    }
                    return recorded;
                };
                done.add(pool.submit(work));
            }
            for (Future<Integer> future : done) {
                assertThat(future.get(120, TimeUnit.SECONDS)).isEqualTo(batches * perBatch);
            }
        } finally {
            pool.shutdownNow();
        }

        for (String tenant : List.of(acme, globex)) {
            List<AuditEventEntity> rows = chain(tenant);
            assertThat(rows).hasSize(instances * batches * perBatch / 2);
            for (int i = 0; i < rows.size(); i++) {
                assertThat(rows.get(i).chainSeq).isEqualTo(i + 1L);
            }
            VerificationReport report = verification.verify(tenant);
            assertThat(report.valid()).as("%s", report).isTrue();
            assertThat(report.rowsChecked()).isEqualTo(rows.size());
        }
    }

    private List<AuditEventEntity> chain(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> audit.chainPage(tenant, 0, Long.MAX_VALUE, 10_000));
    }
}
