package dev.switchboard.compliance.audit;

import static dev.switchboard.compliance.audit.AuditFixtures.turn;
import static dev.switchboard.compliance.audit.AuditFixtures.uniqueTenant;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serdes;

import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.AuditOutcome;
import dev.switchboard.compliance.ComplianceService;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicReader;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Appending to the chains of tenants and partitions against a real PostgreSQL. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class AuditChainIT {

    @Inject
    ComplianceService compliance;

    @Inject
    AuditEventRepository audit;

    @Inject
    AuditTrail trail;

    @Inject
    AuditVerificationService verification;

    @Inject
    AnchorReader anchors;

    @Test
    void eachTenantHasItsOwnChain() {
        String acme = uniqueTenant();
        String globex = uniqueTenant();
        long offset = 0;
        for (int i = 0; i < 3; i++) {
            compliance.clearTurn(turn(acme, "alice", "s-a", "t" + i, "hi " + i), position(offset++));
            compliance.clearTurn(turn(globex, "bob", "s-g", "t" + i, "hello " + i), position(offset++));
        }

        for (String tenant : List.of(acme, globex)) {
            List<AuditEventEntity> rows = chain(tenant);
            assertThat(rows).extracting(row -> row.chainSeq).containsExactly(1L, 2L, 3L);
            assertThat(rows.get(0).prevHash).isEqualTo(ChainHash.GENESIS);
            assertThat(rows.get(1).prevHash).isEqualTo(rows.get(0).rowHash);
            assertThat(rows.get(2).prevHash).isEqualTo(rows.get(1).rowHash);
            assertThat(rows).allSatisfy(row -> assertThat(row.tenant).isEqualTo(tenant));
            assertThat(head(tenant)).isEqualTo(new ChainHead(3, rows.get(2).rowHash));
            VerificationReport report = verification.verify(tenant);
            assertThat(report.valid()).as("%s", report).isTrue();
            assertThat(report.rowsChecked()).isEqualTo(3);
        }
    }

    @Test
    void eachRowRecordsItsUserActorDecisionAndTheDigestOfItsSealedContent() {
        String tenant = uniqueTenant();
        TurnReceived raw = turn(tenant, "alice", "s-1", "t1", "write to zoe@example.com");

        compliance.clearTurn(raw, position(1));

        AuditEventEntity row = audit.findByEventId(raw.getEnvelope().getEventId()).orElseThrow();
        assertThat(row.userId).isEqualTo("alice");
        assertThat(row.actor).isEqualTo(ComplianceService.USER_ACTOR);
        assertThat(row.decision).isEqualTo("REDACTED");
        assertThat(row.content).startsWith("enc:v1:").doesNotContain("[EMAIL]").doesNotContain("zoe");
        String plain = "{\"text\":\"write to [EMAIL]\",\"found\":{\"EMAIL\":1}}";
        assertThat(row.contentDigest).isEqualTo(ChainHash.digest(plain));
        assertThat(row.rowHash).isEqualTo(ChainHash.rowHash(row));
    }

    @Test
    void concurrentAppendsFromManyThreadsMakeOneGapFreeValidChain() throws Exception {
        String tenant = uniqueTenant();
        ChainKey chain = new ChainKey(tenant, 0);
        int threads = 8;
        int perThread = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long started = System.nanoTime();
        try {
            List<Future<List<AuditOutcome>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<List<AuditOutcome>> work = () -> {
                    List<AuditOutcome> outcomes = new ArrayList<>();
                    for (int i = 0; i < perThread; i++) {
                        outcomes.add(compliance.clearTurn(
                                turn(tenant, "user-" + thread, "s-" + thread, "t" + i, "message " + i),
                                new SourcePosition("turns.raw", 0, thread * perThread + i)).outcome());
                    }
                    return outcomes;
                };
                results.add(pool.submit(work));
            }
            for (Future<List<AuditOutcome>> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).containsOnly(AuditOutcome.RECORDED);
            }
        } finally {
            pool.shutdownNow();
        }
        long appendingMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        List<AuditEventEntity> rows = chain(tenant);
        assertThat(rows).hasSize(threads * perThread);
        assertThat(rows).extracting(row -> row.chainSeq)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, threads * perThread).boxed().toList());
        assertThat(head(tenant).seq()).isEqualTo(threads * perThread);
        VerificationReport report = verification.verify(tenant);
        assertThat(report.valid()).as("%s", report).isTrue();
        assertThat(report.rowsChecked()).isEqualTo(threads * perThread);

        // Anchored in batches: the head ends up anchored, with at most one anchor per flush (every 200 ms in tests)
        // while appending, and one after.
        await().atMost(Duration.ofSeconds(20)).until(() -> anchors.latest(chain)
                .map(anchor -> anchor.getChainSeq() == threads * perThread).orElse(false));
        assertThat(verification.verify(tenant).chain(0).orElseThrow().anchor().status())
                .isEqualTo(AnchorCheck.Status.MATCHES);
        var anchorBytes = new Topic<>(Topics.AUDIT_ANCHORS.name(), Topics.AUDIT_ANCHORS.keySerde(), Serdes.ByteArray(),
                Topics.AUDIT_ANCHORS.cleanup(), Topics.AUDIT_ANCHORS.partitions());
        var decoder = Topics.AUDIT_ANCHORS.valueSerde().deserializer();
        try (var published = TopicReader.fromBeginning(EmbeddedKafka.shared().clientProperties("admin"), anchorBytes)) {
            List<ConsumerRecord<String, byte[]>> records = published.until(chain.id(), found -> !found.isEmpty()
                    && decoder.deserialize(anchorBytes.name(), found.get(found.size() - 1).value()).getChainSeq()
                            == threads * perThread, Duration.ofSeconds(20));
            assertThat(records).as("anchors of %d appends in %d ms", threads * perThread, appendingMillis)
                    .hasSizeLessThanOrEqualTo((int) (appendingMillis / 200) + 2)
                    .hasSizeLessThan(threads * perThread);
        }
    }

    @Test
    void aRedeliveredEventAddsNoRowAndDoesNotMoveTheHead() {
        String tenant = uniqueTenant();
        TurnReceived raw = turn(tenant, "alice", "s-1", "t1", "hello");
        compliance.clearTurn(raw, position(7));
        ChainHead before = head(tenant);

        assertThat(compliance.clearTurn(raw, position(7)).outcome()).isEqualTo(AuditOutcome.REDELIVERED);
        assertThat(compliance.clearTurn(raw, position(9)).outcome()).isEqualTo(AuditOutcome.DUPLICATE);

        assertThat(chain(tenant)).hasSize(1);
        assertThat(head(tenant)).isEqualTo(before).isEqualTo(new ChainHead(1, chain(tenant).get(0).rowHash));
    }

    @Test
    void anAppendOfAnExistingEventIdLeavesTheChainAsItWas() {
        // Two instances auditing the same event at the same moment: the second finds the row under the lock.
        String tenant = uniqueTenant();
        TurnReceived raw = turn(tenant, "alice", "s-1", "t1", "hello");
        compliance.clearTurn(raw, position(1));
        ChainHead before = head(tenant);

        AuditEventEntity copy = new AuditEventEntity();
        copy.eventId = raw.getEnvelope().getEventId();
        copy.eventType = EventType.TURN_RECEIVED;
        copy.tenant = tenant;
        copy.sessionId = "s-1";
        copy.turnId = "t1";
        copy.userId = "alice";
        copy.actor = "user";
        copy.decision = "CLEARED";
        copy.clearedEventId = "other";
        copy.sourceTopic = "turns.raw";
        copy.sourcePartition = 0;
        copy.sourceOffset = 2L;
        copy.occurredAt = raw.getEnvelope().getOccurredAt();
        boolean appended = QuarkusTransaction.requiringNew().call(() -> trail.appendSealed(copy, "{\"text\":\"hello\"}"));

        assertThat(appended).isFalse();
        assertThat(head(tenant)).isEqualTo(before);
        assertThat(chain(tenant)).hasSize(1);
    }

    /** The tenant's chain of partition 0, where {@link #position} reads from. */
    private List<AuditEventEntity> chain(String tenant) {
        return QuarkusTransaction.requiringNew()
                .call(() -> audit.chainPage(new ChainKey(tenant, 0), 0, Long.MAX_VALUE, 10_000));
    }

    private ChainHead head(String tenant) {
        return QuarkusTransaction.requiringNew().call(() -> trail.head(new ChainKey(tenant, 0)).orElseThrow());
    }

    private static SourcePosition position(long offset) {
        return new SourcePosition("turns.raw", 0, offset);
    }
}
