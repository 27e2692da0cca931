package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.turn;
import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

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
import dev.switchboard.testkit.EmbeddedDatabase;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The batch path against a real PostgreSQL: one database transaction per batch keeps one audit row per event and
 * gap-free, valid chains, also when two instances append batches for the same chains at the same time; batches of one
 * tenant from different partitions append to different chains and never wait for each other.
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

    @Inject
    DataSource database;

    @Inject
    AuditTrail trail;

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
        assertThat(chain(new ChainKey(tenant, 0))).extracting(row -> row.eventId)
                .containsExactly(first.getEnvelope().getEventId(), second.getEnvelope().getEventId());

        // The same batch read again (its Kafka transaction aborted): nothing new, both published again.
        assertThat(compliance.clearTurns(batch)).extracting(Clearance::outcome)
                .containsExactly(AuditOutcome.REDELIVERED, AuditOutcome.REDELIVERED, AuditOutcome.DUPLICATE);
        assertThat(chain(new ChainKey(tenant, 0))).hasSize(2);
        assertThat(verification.verify(tenant).valid()).isTrue();
    }

    @Test
    void concurrentBatchesOfTwoInstancesForTheSameChainsMakeGapFreeValidChains() throws Exception {
        String acme = uniqueTenant();
        String globex = uniqueTenant();
        int instances = 2;
        int batches = 10;
        int perBatch = 20;
        ExecutorService pool = Executors.newFixedThreadPool(instances);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int instance = 0; instance < instances; instance++) {
                int self = instance;
                Callable<Integer> work = () -> {
                    int recorded = 0;
                    for (int b = 0; b < batches; b++) {
                        List<Sourced<TurnReceived>> batch = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            // Both instances' batches hold events of both tenants from both partitions: four chains.
                            String tenant = (i / 2 + self) % 2 == 0 ? acme : globex;
                            batch.add(at(turn(tenant, "user-" + self, "s-" + self, "t" + b + "-" + i, "message " + i),
                                    i % 2, self * 100_000L + (long) b * perBatch + i));
                        }
                        // Each instance meets the chains in its own order; the heads are locked in one order.
                        if (self == 1) {
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
            for (int partition : List.of(0, 1)) {
                assertGapFree(chain(new ChainKey(tenant, partition)), instances * batches * perBatch / 4);
            }
            VerificationReport report = verification.verify(tenant);
            assertThat(report.valid()).as("%s", report).isTrue();
            assertThat(report.chains()).extracting(ChainReport::partition).containsExactly(0, 1);
            assertThat(report.rowsChecked()).isEqualTo(instances * batches * perBatch / 2);
        }
    }

    /**
     * Two consumers of one tenant's events, one per partition (as two instances of the service own them), append at
     * the same time: each to its own chain, never waiting for the other, and every chain verifies.
     */
    @Test
    void twoConsumersOfOneTenantOnTwoPartitionsAppendToTwoChainsThatVerify() throws Exception {
        String tenant = uniqueTenant();
        int batches = 10;
        int perBatch = 20;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int partition = 0; partition < 2; partition++) {
                int own = partition;
                done.add(pool.submit(() -> {
                    int recorded = 0;
                    for (int b = 0; b < batches; b++) {
                        List<Sourced<TurnReceived>> batch = new ArrayList<>();
                        for (int i = 0; i < perBatch; i++) {
                            batch.add(at(turn(tenant, "user-" + (i % 3), "s-" + own + "-" + (i % 4), "t" + b + "-" + i,
                                    "message " + i), own, (long) b * perBatch + i));
                        }
                        recorded += (int) compliance.clearTurns(batch).stream()
                                .filter(c -> c.outcome() == AuditOutcome.RECORDED).count();
                    }
                    return recorded;
                }));
            }
            for (Future<Integer> future : done) {
                assertThat(future.get(120, TimeUnit.SECONDS)).isEqualTo(batches * perBatch);
            }
        } finally {
            pool.shutdownNow();
        }

        for (int partition : List.of(0, 1)) {
            List<AuditEventEntity> rows = chain(new ChainKey(tenant, partition));
            assertGapFree(rows, batches * perBatch);
            assertThat(rows).allSatisfy(row -> {
                assertThat(row.sourcePartition).isEqualTo(row.chainPartition);
                assertThat(row.sessionId).startsWith("s-" + row.chainPartition + "-");
            });
        }
        VerificationReport report = verification.verify(tenant);
        assertThat(report.valid()).as("%s", report).isTrue();
        assertThat(report.rowsChecked()).isEqualTo(2 * batches * perBatch);
        assertThat(report.chains()).extracting(ChainReport::partition, ChainReport::rowsChecked)
                .containsExactly(tuple(0, (long) batches * perBatch), tuple(1, (long) batches * perBatch));
    }

    /**
     * The head of a tenant's partition-0 chain is held by another transaction (as by an instance in the middle of a
     * long batch): a batch of the same tenant from partition 1 commits meanwhile, while a batch from partition 0
     * waits for the head, as every batch of the tenant did while it had one chain, and commits once it is released.
     */
    @Test
    void aBatchOfOnePartitionCommitsWhileTheSameTenantsHeadOfAnotherPartitionIsHeld() throws Exception {
        String tenant = uniqueTenant();
        compliance.clearTurns(List.of(at(turn(tenant, "alice", "s-0", "t0", "opening 0"), 0, 0)));
        compliance.clearTurns(List.of(at(turn(tenant, "bob", "s-1", "t0", "opening 1"), 1, 0)));

        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (Connection holder = database.getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement(
                    "SELECT seq FROM audit_chain_heads WHERE tenant = ? AND chain_partition = 0 FOR UPDATE")) {
                lock.setString(1, tenant);
                try (var head = lock.executeQuery()) {
                    assertThat(head.next()).isTrue();
                }
            }

            Future<List<Clearance<SpecificRecord>>> partition0 = pool.submit(() -> compliance.clearTurns(List.of(
                    at(turn(tenant, "alice", "s-0", "t1", "while held 0"), 0, 1))));
            Future<List<Clearance<SpecificRecord>>> partition1 = pool.submit(() -> compliance.clearTurns(List.of(
                    at(turn(tenant, "bob", "s-1", "t1", "while held 1"), 1, 1),
                    at(turn(tenant, "bob", "s-1", "t2", "while held 2"), 1, 2))));

            // Partition 1's batch commits although partition 0's head is held...
            assertThat(partition1.get(20, TimeUnit.SECONDS)).extracting(Clearance::outcome)
                    .containsExactly(AuditOutcome.RECORDED, AuditOutcome.RECORDED);
            assertThat(chain(new ChainKey(tenant, 1))).hasSize(3);
            // ...and partition 0's batch waits in the database for the held head.
            await().atMost(Duration.ofSeconds(20)).until(() -> waitersOnChainHeads() > 0);
            assertThat(partition0.isDone()).isFalse();
            assertThat(chain(new ChainKey(tenant, 0))).hasSize(1);

            holder.rollback();
            assertThat(partition0.get(20, TimeUnit.SECONDS)).extracting(Clearance::outcome)
                    .containsExactly(AuditOutcome.RECORDED);
        } finally {
            pool.shutdownNow();
        }

        assertGapFree(chain(new ChainKey(tenant, 0)), 2);
        assertGapFree(chain(new ChainKey(tenant, 1)), 3);
        VerificationReport report = verification.verify(tenant);
        assertThat(report.valid()).as("%s", report).isTrue();
        assertThat(report.chains()).extracting(ChainReport::partition).containsExactly(0, 1);
    }

    private int waitersOnChainHeads() throws SQLException {
        try (Connection connection = database.getConnection(); var statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        + " AND query LIKE '%audit_chain_heads%' AND pid <> pg_backend_pid()")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @Test
    void anEventAuditedElsewhereWhileABatchIsLinkedRollsTheBatchBackAndItsRetryClassifiesIt() throws Exception {
        String tenant = uniqueTenant();
        TurnReceived first = turn(tenant, "alice", "s-1", "t1", "hello");
        TurnReceived second = turn(tenant, "alice", "s-1", "t2", "again");
        ChainKey chain = new ChainKey(tenant, 0);

        // The batch links both rows in memory; before it inserts them, another transaction (another chain's
        // batch, here a plain connection) audits the second event id.
        Throwable failure = catchThrowable(() -> QuarkusTransaction.requiringNew().run(() -> {
            AuditTrail.Batch batch = trail.lockHeads(List.of(chain));
            trail.appendPlain(batch, rowOf(first, 0, 10), "{}");
            trail.appendPlain(batch, rowOf(second, 0, 11), "{}");
            auditElsewhere(second, 3, 99);
            trail.finish(batch);
        }));

        assertThat(failure).isInstanceOf(ConcurrentAuditException.class)
                .hasMessageContaining(second.getEnvelope().getEventId());
        assertThat(chain(chain)).as("rolled back: no row, no moved head").isEmpty();

        // Processed again, the batch finds the second event audited from another position: a duplicate.
        assertThat(compliance.clearTurns(List.of(at(first, 0, 10), at(second, 0, 11))))
                .extracting(Clearance::outcome).containsExactly(AuditOutcome.RECORDED, AuditOutcome.DUPLICATE);
        assertThat(chain(chain)).extracting(row -> row.eventId).containsExactly(first.getEnvelope().getEventId());
        assertThat(verification.verify(tenant).valid()).isTrue();
    }

    private static AuditEventEntity rowOf(TurnReceived turn, int partition, long offset) {
        AuditEventEntity row = new AuditEventEntity();
        row.eventId = turn.getEnvelope().getEventId();
        row.eventType = dev.switchboard.compliance.EventType.TURN_RECEIVED;
        row.tenant = turn.getEnvelope().getTenant();
        row.sessionId = turn.getEnvelope().getSessionId();
        row.turnId = turn.getEnvelope().getTurnId();
        row.userId = turn.getEnvelope().getPrincipal().getUser();
        row.actor = "user";
        row.decision = "CLEARED";
        row.clearedEventId = row.eventId + "-cleared";
        row.sourceTopic = "turns.raw";
        row.sourcePartition = partition;
        row.sourceOffset = offset;
        row.occurredAt = turn.getEnvelope().getOccurredAt();
        return row;
    }

    /** A row for the turn's event id written by a connection and transaction of its own, outside every chain. */
    private static void auditElsewhere(TurnReceived turn, int partition, long offset) {
        try (Connection connection = DriverManager.getConnection(EmbeddedDatabase.jdbcUrl(), "postgres", "postgres");
             PreparedStatement insert = connection.prepareStatement("""
                     INSERT INTO audit_events (event_id, event_type, tenant, session_id, turn_id, cleared_event_id,
                                               source_topic, source_partition, source_offset, content, redactions,
                                               occurred_at, chain_partition, decision, actor, content_digest)
                     VALUES (?, 'TURN_RECEIVED', ?, ?, ?, ?, 'turns.raw', ?, ?, '{}', 0, now(), ?, 'CLEARED', 'user',
                             repeat('0', 64))""")) {
            connection.setAutoCommit(true);
            insert.setString(1, turn.getEnvelope().getEventId());
            insert.setString(2, turn.getEnvelope().getTenant());
            insert.setString(3, turn.getEnvelope().getSessionId());
            insert.setString(4, turn.getEnvelope().getTurnId());
            insert.setString(5, turn.getEnvelope().getEventId() + "-cleared");
            insert.setInt(6, partition);
            insert.setLong(7, offset);
            insert.setInt(8, partition);
            assertThat(insert.executeUpdate()).isEqualTo(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertGapFree(List<AuditEventEntity> rows, int size) {
        assertThat(rows).hasSize(size);
        for (int i = 0; i < rows.size(); i++) {
            assertThat(rows.get(i).chainSeq).isEqualTo(i + 1L);
            assertThat(rows.get(i).prevHash).isEqualTo(i == 0 ? ChainHash.GENESIS : rows.get(i - 1).rowHash);
        }
    }

    private List<AuditEventEntity> chain(ChainKey chain) {
        return QuarkusTransaction.requiringNew().call(() -> audit.chainPage(chain, 0, Long.MAX_VALUE, 10_000));
    }
}
