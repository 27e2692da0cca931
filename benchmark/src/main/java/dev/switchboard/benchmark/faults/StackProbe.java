package dev.switchboard.benchmark.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.benchmark.CommittedRecords;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.schemas.Topic;

/**
 * What the fault run reads back from the stack after each fault, the way an operator would check it: committed
 * records of topics (from where a fault's window began), the audit trail in PostgreSQL, and the services' own APIs
 * with a tenant auditor's token.
 */
final class StackProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    private final LocalStack stack;
    private final String auditorToken;

    StackProbe(LocalStack stack) {
        this.stack = stack;
        this.auditorToken = stack.mintToken("fault-run-auditor", LocalStack.DEMO_TENANT, "auditor", Duration.ofHours(12));
    }

    Map<String, Object> kafka() {
        return stack.clientProperties("admin");
    }

    /** The end offsets of every partition of these topics now: where a window of the run begins. */
    Map<TopicPartition, Long> ends(Collection<String> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(kafka())) {
            return consumer.endOffsets(partitions(consumer, topics));
        }
    }

    /** Every committed record of a topic from {@code from} (a window's start) to its end now. */
    void read(String topic, Map<TopicPartition, Long> from, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        List<TopicPartition> partitions;
        try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(kafka())) {
            partitions = partitions(consumer, List.of(topic));
        }
        CommittedRecords.read(kafka(), partitions, from, Duration.ofMinutes(3), each);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, Collection<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            consumer.partitionsFor(topic).forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        return partitions;
    }

    /** Of these event ids, those with no row in the audit trail. */
    Set<String> unaudited(Collection<String> eventIds) throws SQLException {
        Set<String> missing = new HashSet<>(eventIds);
        if (missing.isEmpty()) {
            return missing;
        }
        try (Connection connection = DriverManager.getConnection(stack.settings().jdbcUrl(), "postgres", "postgres");
                PreparedStatement query = connection.prepareStatement(
                        "SELECT event_id FROM audit_events WHERE event_id = ANY (?)")) {
            Array ids = connection.createArrayOf("varchar", eventIds.toArray());
            query.setArray(1, ids);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    missing.remove(rows.getString(1));
                }
            }
        }
        return missing;
    }

    /** The demo tenant's audit verification ({@code valid}, chains), as its auditor reads it. */
    JsonNode verifyAudit() throws Exception {
        return get("compliance-service", "/v1/tenants/" + LocalStack.DEMO_TENANT + "/audit/verify");
    }

    /** The demo tenant's budget of today: tokens used and results debited. */
    JsonNode tenantBudget() throws Exception {
        return get("supervisor-service", "/v1/tenants/" + LocalStack.DEMO_TENANT + "/budgets");
    }

    private JsonNode get(String module, String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + stack.settings().port(module) + path)).header("Authorization", "Bearer " + auditorToken)
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(module + " answered " + response.statusCode() + " to " + path + ": "
                    + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Whether any part of a record (key, value, headers) holds {@code text}. */
    static boolean contains(ConsumerRecord<byte[], byte[]> record, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        if (indexOf(record.key(), needle) || indexOf(record.value(), needle)) {
            return true;
        }
        for (Header header : record.headers()) {
            if (indexOf(header.value(), needle)) {
                return true;
            }
        }
        return false;
    }

    private static boolean indexOf(byte[] haystack, byte[] needle) {
        if (haystack == null) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Decodes a record of a typed topic; null when it does not decode (a poison record). */
    static <V> V decode(Topic<String, V> topic, ConsumerRecord<byte[], byte[]> record) {
        try {
            return topic.valueSerde().deserializer().deserialize(record.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
    }
}
