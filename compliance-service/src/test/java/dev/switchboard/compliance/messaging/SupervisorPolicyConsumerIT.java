package dev.switchboard.compliance.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.SourcePosition;
import dev.switchboard.compliance.audit.AuditContents;
import dev.switchboard.compliance.audit.AuditVerificationService;
import dev.switchboard.compliance.audit.ChainKey;
import dev.switchboard.compliance.audit.OperationsAudit;
import dev.switchboard.events.RoutingRule;
import dev.switchboard.events.SupervisorPolicy;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Supervisor policy changes, as the supervisor publishes them, enter the tenant's audit chain. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class SupervisorPolicyConsumerIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AuditEventRepository audit;

    @Inject
    AuditContents contents;

    @Inject
    AuditVerificationService verification;

    @Inject
    OperationsAudit operations;

    @Test
    void theChannelReadsTheCatalogTopic() {
        assertThat(ConfigProvider.getConfig().getValue("mp.messaging.incoming."
                + SupervisorPolicyConsumer.SUPERVISOR_POLICIES + ".topic", String.class))
                .isEqualTo(Topics.SUPERVISOR_POLICIES.name());
    }

    @Test
    void eachPolicyRecordAndTombstoneIsOneRowWithTheOperatorAsActorAndTheRecordsDigest() {
        String tenant = "tenant-" + UUID.randomUUID();
        SupervisorPolicy policy = SupervisorPolicy.newBuilder().setTenant(tenant)
                .setRules(List.of(RoutingRule.newBuilder().setPattern("refund").setAgent("billing-agent").build()))
                .setSessionTokens(5000L).setUpdatedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setUpdatedBy("operator-7@" + tenant).build();
        RecordMetadata set = TopicWriter.sendAs(BrokerAccess.SUPERVISOR, Topics.SUPERVISOR_POLICIES, tenant, policy);
        RecordMetadata removed;
        try (var supervisor = new org.apache.kafka.clients.producer.KafkaProducer<>(
                EmbeddedKafka.shared().clientProperties(BrokerAccess.SUPERVISOR),
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            var tombstone = new org.apache.kafka.clients.producer.ProducerRecord<String, byte[]>(
                    Topics.SUPERVISOR_POLICIES.name(), tenant, null);
            tombstone.headers().add(SupervisorPolicyConsumer.ACTOR_HEADER,
                    ("operator-8@" + tenant).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            removed = supervisor.send(tombstone).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }

        // Both records are keyed by the tenant, so in one partition: in the tenant's chain of that partition.
        ChainKey chain = new ChainKey(tenant, set.partition());
        await().atMost(WAIT).pollInSameThread().until(() -> chain(chain).size() == 2);
        List<AuditEventEntity> rows = chain(chain);
        AuditEventEntity first = rows.get(0);
        assertThat(first.eventType).isEqualTo(EventType.POLICY_CHANGE);
        assertThat(first.decision).isEqualTo(OperationsAudit.POLICY_SET);
        assertThat(first.decisionCode).isEqualTo(OperationsAudit.SUPERVISOR_POLICY);
        assertThat(first.actor).isEqualTo("operator-7@" + tenant);
        assertThat(first.sessionId).isNull();
        assertThat(first.sourceTopic).isEqualTo(Topics.SUPERVISOR_POLICIES.name());
        assertThat(first.sourceOffset).isEqualTo(set.offset());
        assertThat(first.chainPartition).isEqualTo(set.partition());
        assertThat(contents.reader().read(first).json())
                .contains("\"digest\":\"" + OperationsAudit.digest(Topics.SUPERVISOR_POLICIES, policy) + "\"")
                .contains("refund");
        AuditEventEntity second = rows.get(1);
        assertThat(second.decision).isEqualTo(OperationsAudit.POLICY_REMOVED);
        assertThat(second.actor).as("a removal names its operator in the header").isEqualTo("operator-8@" + tenant);
        assertThat(second.sourceOffset).isEqualTo(removed.offset());
        assertThat(verification.verify(tenant).valid()).isTrue();

        // The same record read again (a redelivery, a new consumer group on the compacted topic) adds nothing.
        assertThat(operations.supervisorPolicyChanged(tenant, policy, null,
                new SourcePosition(set.topic(), set.partition(), set.offset()))).isFalse();
        assertThat(chain(chain)).hasSize(2);
    }

    private List<AuditEventEntity> chain(ChainKey chain) {
        return QuarkusTransaction.requiringNew().call(() -> audit.chainPage(chain, 0, Long.MAX_VALUE, 100));
    }
}
