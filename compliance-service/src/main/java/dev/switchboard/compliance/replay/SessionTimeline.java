package dev.switchboard.compliance.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;

import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;

import dev.switchboard.compliance.AuditEventEntity;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.runtime.kafka.KafkaClientConfig;
import dev.switchboard.runtime.tasks.TaskTickets;
import dev.switchboard.schemas.Topic;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroDeserializer;

/**
 * Reconstructs a session's timeline from the topics themselves: every event of every session-keyed topic
 * (the raw and cleared turns and results, every agent's tasks, the human queue, supervisor decisions,
 * replies, deliveries, controls and erasures), in time order. Every one of those topics is keyed by session
 * id, so the session lives in one partition of each: only that partition is read, from the first offset at
 * or after {@code from} to the end (or {@code to}). Reads with {@code read_committed}, joins no consumer
 * group, writes nothing; connects as the service's principal ({@link KafkaClientConfig}).
 *
 * <p>A session id is only a key: what makes an event part of a tenant's session is the tenant it names (its
 * envelope's, or its own {@code tenant} field). Events of another tenant on the same key, and records that name
 * no tenant (tombstones, records that do not decode), are left out. So is an agent result on
 * {@code agent.results.raw} whose task ticket does not hold ({@link TaskTickets#refusal}): it was refused, and
 * whatever session it names is not the session it answered.
 */
@ApplicationScoped
public class SessionTimeline {

    /** The fixed topics a session's events are recorded on; agent task topics are found by name. */
    static final List<Topic<String, ?>> SOURCES = List.of(Topics.TURNS_RAW, Topics.TURNS_CLEARED,
            Topics.TURNS_REJECTED, Topics.AGENT_RESULTS_RAW, Topics.AGENT_RESULTS_CLEARED, Topics.HUMAN_QUEUE,
            Topics.SUPERVISOR_DECISIONS, Topics.SESSIONS_CONTROL, Topics.REPLIES_OUTBOUND, Topics.DELIVERIES,
            Topics.ERASURES);

    /** Topics whose events carry content before redaction: the timeline shows only their envelope. */
    static final Set<String> RAW = Set.of(Topics.TURNS_RAW.name(), Topics.AGENT_RESULTS_RAW.name());

    private static final Pattern TASK_TOPIC = Pattern.compile("agent\\.[a-z0-9-]+\\.tasks");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaClientConfig kafka;
    private final TaskTickets tickets;

    SessionTimeline(KafkaClientConfig kafka, TaskTickets tickets) {
        this.kafka = kafka;
        this.tickets = tickets;
    }

    /** One recorded event of a session: where it is, and the event. */
    public record Recorded(String topic, int partition, long offset, Instant at, SpecificRecord event) {
    }

    /**
     * @param from first instant included, or null for the beginning
     * @param to   last instant included, or null for now
     */
    public List<TimelineEntry> of(String tenant, String sessionId, Instant from, Instant to) {
        return read(tenant, sessionId, from, to, null).stream().map(SessionTimeline::entry).toList();
    }

    /**
     * The tenant's recorded events of the session in time order.
     *
     * @param topics only these topics, or null for every topic of the timeline
     */
    public List<Recorded> read(String tenant, String sessionId, Instant from, Instant to, Set<String> topics) {
        List<Recorded> recorded = new ArrayList<>();
        AvroDeserializer values = new AvroDeserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(kafka.with(Map.of(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-compliance-timeline")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = partitionsOf(consumer, sessionId).stream()
                    .filter(partition -> topics == null || topics.contains(partition.topic())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            seekTo(consumer, partitions, from);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<TopicPartition> open = new ArrayList<>(partitions);
            open.removeIf(partition -> consumer.position(partition) >= end.get(partition));
            while (!open.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the topics of session " + sessionId + " could not be read within " + TIMEOUT);
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    boolean inRange = to == null || record.timestamp() <= to.toEpochMilli();
                    if (sessionId.equals(record.key()) && inRange) {
                        Recorded event = decode(record, values);
                        if (event != null && belongsTo(event, tenant)) {
                            recorded.add(event);
                        }
                    }
                }
                open.removeIf(partition -> consumer.position(partition) >= end.get(partition));
            }
        }
        recorded.sort(Comparator.comparing(Recorded::at).thenComparing(Recorded::topic).thenComparingLong(Recorded::offset));
        return recorded;
    }

    /**
     * The timeline with compliance's decision on each event the audit trail recorded: by the raw event's id,
     * and for cleared events by the id of the cleared form.
     */
    public static List<TimelineEntry> withDecisions(List<TimelineEntry> entries, List<AuditEventEntity> rows) {
        Map<String, String> decisions = new HashMap<>();
        for (AuditEventEntity row : rows) {
            String decision = row.decisionCode == null ? row.decision : row.decision + ":" + row.decisionCode;
            decisions.put(row.eventId, decision);
            if (row.clearedEventId != null) {
                decisions.put(row.clearedEventId, decision);
            }
        }
        return entries.stream()
                .map(entry -> entry.eventId() != null && decisions.containsKey(entry.eventId())
                        ? entry.withDecision(decisions.get(entry.eventId())) : entry)
                .toList();
    }

    /** The one partition of each topic the session is on (the default partitioner's choice for its key). */
    private List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer, String sessionId) {
        Map<String, List<PartitionInfo>> topics = consumer.listTopics(TIMEOUT);
        Stream<String> names = Stream.concat(SOURCES.stream().map(Topic::name),
                topics.keySet().stream().filter(name -> TASK_TOPIC.matcher(name).matches()).sorted());
        byte[] key = sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return names.filter(topics::containsKey)
                .map(name -> new TopicPartition(name, Utils.toPositive(Utils.murmur2(key)) % topics.get(name).size()))
                .toList();
    }

    private static void seekTo(KafkaConsumer<String, byte[]> consumer, List<TopicPartition> partitions, Instant from) {
        if (from == null) {
            consumer.seekToBeginning(partitions);
            return;
        }
        Map<TopicPartition, Long> at = new HashMap<>();
        partitions.forEach(partition -> at.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(at, TIMEOUT);
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp offset = offsets.get(partition);
            if (offset == null) {
                consumer.seekToEnd(List.of(partition));
            } else {
                consumer.seek(partition, offset.offset());
            }
        }
    }

    /** The record's event, or null for a tombstone or a value that does not decode. */
    private static Recorded decode(ConsumerRecord<String, byte[]> record, AvroDeserializer values) {
        try {
            SpecificRecord event = values.deserialize(record.topic(), record.value());
            return event == null ? null : new Recorded(record.topic(), record.partition(), record.offset(),
                    Instant.ofEpochMilli(record.timestamp()), event);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Whether an event of the session's key is the tenant's: see the class comment. */
    private boolean belongsTo(Recorded recorded, String tenant) {
        if (!tenant.equals(tenantOf(recorded.event()))) {
            return false;
        }
        return !(recorded.event() instanceof AgentResult result && Topics.AGENT_RESULTS_RAW.name().equals(recorded.topic())
                && tickets.refusal(result).isPresent());
    }

    private static String tenantOf(SpecificRecord event) {
        Envelope envelope = envelopeOf(event);
        if (envelope != null) {
            return envelope.getTenant();
        }
        org.apache.avro.Schema.Field field = event.getSchema().getField("tenant");
        Object tenant = field == null ? null : event.get(field.pos());
        return tenant == null ? null : tenant.toString();
    }

    private static TimelineEntry entry(Recorded recorded) {
        SpecificRecord event = recorded.event();
        Envelope envelope = envelopeOf(event);
        Object shown = RAW.contains(recorded.topic()) && envelope != null ? envelope : event;
        return new TimelineEntry(recorded.at(), recorded.topic(), recorded.partition(), recorded.offset(),
                event.getSchema().getName(), envelope == null ? null : envelope.getEventId(),
                envelope == null ? null : envelope.getTurnId(), json(shown), null);
    }

    private static Envelope envelopeOf(SpecificRecord event) {
        org.apache.avro.Schema.Field field = event.getSchema().getField("envelope");
        return field == null ? null : (Envelope) event.get(field.pos());
    }

    private static JsonNode json(Object record) {
        String text = SpecificData.get().toString(record);
        try {
            return JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(text);
        }
    }
}
