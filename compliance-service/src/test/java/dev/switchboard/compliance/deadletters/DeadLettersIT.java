package dev.switchboard.compliance.deadletters;

import static dev.switchboard.compliance.TestHttp.as;
import static dev.switchboard.compliance.TestHttp.operatorOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.compliance.AuditEventRepository;
import dev.switchboard.compliance.EventType;
import dev.switchboard.compliance.TestDeadLetters;
import dev.switchboard.compliance.TestEvents;
import dev.switchboard.compliance.TestHttp;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;
import dev.switchboard.testkit.EmbeddedKafka;
import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.PostgresTestResource;
import dev.switchboard.testkit.TestTokens;
import dev.switchboard.testkit.TokenTestResource;
import dev.switchboard.testkit.TopicWriter;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * Dead letters listed, inspected and re-driven over HTTP, on a real broker (compliance as its own principal, the
 * re-drive producer as the re-drive principal, dead letters written as the supervisor's handler writes them) and
 * PostgreSQL.
 */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = {
        @ResourceArg(name = "principal", value = "compliance"),
        @ResourceArg(name = "agents", value = "concierge,billing-agent") })
@WithTestResource(PostgresTestResource.class)
@WithTestResource(TokenTestResource.class)
class DeadLettersIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    AuditEventRepository audit;

    @Inject
    javax.sql.DataSource dataSource;

    /** A cleared turn on {@code turns.cleared}, written by compliance, and its dead letter. */
    record Dead(String id, String session, TurnReceived turn, RecordMetadata source, byte[] value) {
    }

    private static Dead deadLetterOfAClearedTurn(String tenant, boolean tenantHeader) throws Exception {
        String session = UUID.randomUUID().toString();
        TurnReceived turn = TestEvents.turn(tenant, "alice", UUID.randomUUID().toString(), session,
                "mail me at [EMAIL]");
        RecordMetadata source = TopicWriter.sendAs(BrokerAccess.COMPLIANCE, Topics.TURNS_CLEARED, session, turn);
        byte[] value = Topics.TURNS_CLEARED.valueSerde().serializer().serialize(Topics.TURNS_CLEARED.name(), turn);
        String id = TestDeadLetters.write(session.getBytes(StandardCharsets.UTF_8), value, Topics.TURNS_CLEARED.name(),
                source.partition(), source.offset(), tenantHeader ? tenant : null);
        return new Dead(id, session, turn, source, value);
    }

    @Test
    void aDeadLetteredClearedTurnIsItsTenantsOnlyAndIsRedrivenOnce() throws Exception {
        String tenant = "dl-a-" + UUID.randomUUID();
        String other = "dl-b-" + UUID.randomUUID();
        Dead mine = deadLetterOfAClearedTurn(tenant, true);
        Dead theirs = deadLetterOfAClearedTurn(other, false); // no header: its tenant is the one its event names

        assertThat(listedIds(tenant)).containsExactly(mine.id());
        assertThat(listedIds(other)).containsExactly(theirs.id());

        JsonPath shown = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters/" + mine.id())
                .then().statusCode(200).extract().jsonPath();
        assertThat(shown.getString("id")).isEqualTo(mine.id());
        assertThat(shown.getString("sourceTopic")).isEqualTo(Topics.TURNS_CLEARED.name());
        assertThat(shown.getInt("sourcePartition")).isEqualTo(mine.source().partition());
        assertThat(shown.getLong("sourceOffset")).isEqualTo(mine.source().offset());
        assertThat(shown.getString("reason")).isEqualTo("processing failed: no route for the turn");
        assertThat(shown.getBoolean("redrivable")).isTrue();
        assertThat(shown.getString("key")).isEqualTo(mine.session());
        assertThat(shown.getString("valueType")).isEqualTo(TurnReceived.class.getName());
        assertThat(shown.getString("value.text")).isEqualTo("mail me at [EMAIL]");
        assertThat(shown.getString("value.envelope.tenant")).isEqualTo(tenant);
        assertThat(shown.getString("headers.'dead-letter-application'")).isEqualTo("switchboard-supervisor");
        assertThat((Object) shown.get("redriven")).isNull();

        // Another tenant's dead letter is a 404, exactly as one that does not exist.
        String missing = operatorOf(other).get("/v1/tenants/" + other + "/dead-letters/0-999999999")
                .then().statusCode(404).extract().asString();
        String foreign = operatorOf(other).get("/v1/tenants/" + other + "/dead-letters/" + mine.id())
                .then().statusCode(404).extract().asString();
        assertThat(foreign).isEqualTo(missing).doesNotContain(tenant).doesNotContain(mine.session());
        operatorOf(other).post("/v1/tenants/" + other + "/dead-letters/" + mine.id() + "/redrive")
                .then().statusCode(404);

        // Only an operator re-drives.
        for (String token : List.of(TestTokens.auditor(tenant), TestTokens.user(tenant, "alice"), TestTokens.admin())) {
            as(token).post("/v1/tenants/" + tenant + "/dead-letters/" + mine.id() + "/redrive").then().statusCode(403);
        }
        assertThat(copies(mine)).as("nothing re-driven yet").hasSize(1);

        JsonPath first = operatorOf(tenant).post("/v1/tenants/" + tenant + "/dead-letters/" + mine.id() + "/redrive")
                .then().statusCode(200).extract().jsonPath();
        assertThat(first.getBoolean("alreadyRedriven")).isFalse();
        assertThat(first.getString("topic")).isEqualTo(Topics.TURNS_CLEARED.name());
        assertThat(first.getInt("partition")).as("the key's partition, as the original").isEqualTo(mine.source().partition());
        assertThat(first.getString("redrivenBy")).isEqualTo(TestHttp.operatorActor(tenant));
        List<ConsumerRecord<String, TurnReceived>> copies = copies(mine);
        assertThat(copies).hasSize(2);
        ConsumerRecord<String, TurnReceived> copy = copies.get(1);
        assertThat(copy.offset()).isEqualTo(first.getLong("offset"));
        assertThat(copy.value()).isEqualTo(mine.turn());
        assertThat(header(copy, DeadLetters.REDRIVEN_FROM)).isEqualTo(mine.id());
        assertThat(header(copy, "traceparent")).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(Arrays.stream(copy.headers().toArray()).map(Header::key))
                .noneMatch(name -> name.startsWith(DeadLetters.PREFIX));

        JsonPath again = operatorOf(tenant).post("/v1/tenants/" + tenant + "/dead-letters/" + mine.id() + "/redrive")
                .then().statusCode(200).extract().jsonPath();
        assertThat(again.getBoolean("alreadyRedriven")).isTrue();
        assertThat(again.getLong("offset")).isEqualTo(first.getLong("offset"));
        assertThat(again.getString("redrivenAt")).isEqualTo(first.getString("redrivenAt"));
        assertThat(again.getString("detail")).startsWith("Already re-driven to turns.cleared");
        assertThat(copies(mine)).as("the second re-drive wrote nothing").hasSize(2);

        List<AuditEventEntity> rows = audit.list("tenant = ?1 and eventType = ?2", tenant, EventType.REDRIVE);
        assertThat(rows).hasSize(1);
        AuditEventEntity row = rows.get(0);
        assertThat(row.actor).isEqualTo(TestHttp.operatorActor(tenant));
        assertThat(row.decision).isEqualTo("REDRIVEN");
        assertThat(row.sessionId).isEqualTo(mine.session());
        assertThat(row.eventId).isEqualTo(first.getString("auditEventId"));
        assertThat(row.content).contains("\"deadLetter\":\"" + mine.id() + "\"").doesNotContain("[EMAIL]");
        assertThat(redriveRow(mine.id())).containsEntry("tenant", tenant)
                .containsEntry("target_offset", String.valueOf(first.getLong("offset")))
                .containsEntry("redriven_by", TestHttp.operatorActor(tenant));
        TestHttp.auditorOf(tenant).get("/v1/tenants/" + tenant + "/audit/verify").then().statusCode(200)
                .body("valid", org.hamcrest.Matchers.is(true));

        JsonPath listed = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters").then().statusCode(200)
                .extract().jsonPath();
        assertThat(listed.getLong("deadLetters[0].redriven.offset")).isEqualTo(first.getLong("offset"));
        assertThat(listed.getString("deadLetters[0].redriven.redrivenBy")).isEqualTo(TestHttp.operatorActor(tenant));
    }

    @Test
    void onlyAnOperatorListsAndReads() throws Exception {
        String tenant = "dl-r-" + UUID.randomUUID();
        Dead dead = deadLetterOfAClearedTurn(tenant, true);
        for (String token : List.of(TestTokens.auditor(tenant), TestTokens.user(tenant, "alice"), TestTokens.admin())) {
            as(token).get("/v1/tenants/" + tenant + "/dead-letters").then().statusCode(403);
            as(token).get("/v1/tenants/" + tenant + "/dead-letters/" + dead.id()).then().statusCode(403);
        }
        operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters?limit=0").then().statusCode(400);
        operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters?position=1,2").then().statusCode(400);
    }

    @Test
    void pagesGoOnFromTheirPositionNewestLast() throws Exception {
        String tenant = "dl-p-" + UUID.randomUUID();
        List<String> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            written.add(deadLetterOfAClearedTurn(tenant, i % 2 == 0).id());
        }
        List<String> read = new ArrayList<>();
        String position = "";
        for (int pages = 0; pages < 10 && read.size() < written.size(); pages++) {
            JsonPath page = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters?limit=2&position=" + position)
                    .then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("deadLetters")).hasSizeLessThanOrEqualTo(2);
            read.addAll(page.getList("deadLetters.id", String.class));
            position = page.getString("next");
        }
        assertThat(read).containsExactlyElementsOf(written);
        JsonPath last = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters?position=" + position)
                .then().statusCode(200).extract().jsonPath();
        assertThat(last.getList("deadLetters")).isEmpty();
        assertThat(last.getBoolean("end")).isTrue();
    }

    @Test
    void deadLettersThatCannotBeRedrivenAnswer409AndWriteNothing() throws Exception {
        String tenant = "dl-c-" + UUID.randomUUID();
        String session = UUID.randomUUID().toString();
        byte[] key = session.getBytes(StandardCharsets.UTF_8);
        String undecodable = TestDeadLetters.write(key, "not avro".getBytes(StandardCharsets.UTF_8),
                Topics.TURNS_CLEARED.name(), 0, 1, tenant);
        String internal = TestDeadLetters.write(key, deadLetterOfAClearedTurn(tenant, true).value(),
                "switchboard-supervisor-KSTREAM-REPARTITION-0000000007-repartition", 0, 1, tenant);
        String compacted = TestDeadLetters.write(key, deadLetterOfAClearedTurn(tenant, true).value(),
                Topics.SESSIONS_STATE.name(), 0, 1, tenant);
        for (Map.Entry<String, String> letter : Map.of(undecodable, "its value does not decode",
                internal, "is not one dead letters are re-driven to",
                compacted, "is not one dead letters are re-driven to").entrySet()) {
            operatorOf(tenant).post("/v1/tenants/" + tenant + "/dead-letters/" + letter.getKey() + "/redrive")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("code", org.hamcrest.Matchers.is("not-redrivable"))
                    .body("detail", org.hamcrest.Matchers.containsString(letter.getValue()));
        }
        JsonPath shown = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters/" + undecodable)
                .then().statusCode(200).extract().jsonPath();
        assertThat(shown.getBoolean("redrivable")).isFalse();
        assertThat((Object) shown.get("value")).isNull();
        assertThat(shown.getString("valueNote")).contains("does not decode");

        // A turn the database refuses is dead-lettered by compliance itself, its text withheld, for its tenant.
        String rawSession = UUID.randomUUID().toString();
        TurnReceived refused = TestEvents.turn(tenant, "alice", UUID.randomUUID().toString(), rawSession,
                "my words stay private");
        refused.getEnvelope().setTurnId("t".repeat(300));
        RecordMetadata raw = TopicWriter.sendAs(BrokerAccess.GATEWAY, Topics.TURNS_RAW, rawSession, refused);
        String rawId = await().atMost(Duration.ofSeconds(60)).until(() -> listed(tenant).stream()
                .filter(letter -> Topics.TURNS_RAW.name().equals(letter.get("sourceTopic")))
                .map(letter -> (String) letter.get("id")).findFirst().orElse(null), java.util.Objects::nonNull);
        JsonPath rawShown = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters/" + rawId)
                .then().statusCode(200).extract().jsonPath();
        assertThat(rawShown.getString("value.text")).isEqualTo("[withheld: 21 characters]");
        assertThat(rawShown.getLong("sourceOffset")).isEqualTo(raw.offset());
        assertThat(rawShown.getBoolean("redrivable")).isFalse();
        assertThat(rawShown.prettify()).doesNotContain("my words");
        operatorOf(tenant).post("/v1/tenants/" + tenant + "/dead-letters/" + rawId + "/redrive")
                .then().statusCode(409).body("code", org.hamcrest.Matchers.is("not-redrivable"))
                .body("detail", org.hamcrest.Matchers.containsString("keeps none of its text"));

        assertThat(audit.list("tenant = ?1 and eventType = ?2", tenant, EventType.REDRIVE)).isEmpty();
        for (String id : List.of(undecodable, internal, compacted, rawId)) {
            assertThat(redriveRow(id)).as(id).isEmpty();
        }
    }

    private static List<String> listedIds(String tenant) {
        return listed(tenant).stream().map(letter -> (String) letter.get("id")).toList();
    }

    private static List<Map<String, Object>> listed(String tenant) {
        JsonPath page = operatorOf(tenant).get("/v1/tenants/" + tenant + "/dead-letters").then().statusCode(200)
                .extract().jsonPath();
        assertThat(page.getBoolean("end")).isTrue();
        return page.getList("deadLetters");
    }

    /**
     * The records of the dead letter's session on its source partition, read to its end: a re-driven copy was
     * acknowledged before the answer, so it is there.
     */
    private static List<ConsumerRecord<String, TurnReceived>> copies(Dead dead) {
        Map<String, Object> config = new HashMap<>(EmbeddedKafka.shared().clientProperties(BrokerAccess.ADMIN));
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, TurnReceived> consumer = new KafkaConsumer<>(config,
                Topics.TURNS_CLEARED.keySerde().deserializer(), Topics.TURNS_CLEARED.valueSerde().deserializer())) {
            TopicPartition partition = new TopicPartition(Topics.TURNS_CLEARED.name(), dead.source().partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, dead.source().offset());
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + WAIT.toNanos();
            List<ConsumerRecord<String, TurnReceived>> records = new ArrayList<>();
            while (consumer.position(partition) < end) {
                assertThat(System.nanoTime()).as("read to the end in time").isLessThan(deadline);
                for (ConsumerRecord<String, TurnReceived> record : consumer.poll(Duration.ofMillis(200))) {
                    if (dead.session().equals(record.key())) {
                        records.add(record);
                    }
                }
            }
            return records;
        }
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private Map<String, String> redriveRow(String id) throws Exception {
        String[] position = id.split("-");
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT tenant, target_offset, redriven_by"
                     + " FROM dead_letter_redrives WHERE dead_letter_partition = ? AND dead_letter_offset = ?")) {
            select.setInt(1, Integer.parseInt(position[0]));
            select.setLong(2, Long.parseLong(position[1]));
            try (ResultSet rows = select.executeQuery()) {
                if (!rows.next()) {
                    return Map.of();
                }
                return Map.of("tenant", rows.getString(1), "target_offset", rows.getString(2),
                        "redriven_by", rows.getString(3));
            }
        }
    }
}
