package dev.switchboard.schemas;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;

/**
 * The headers every writer of {@code deadletters} ({@link Topics#DEAD_LETTERS}) gives a dead letter alike: why the
 * record failed and where it was read, so that one tool can list, find and re-read them whatever service wrote them.
 * The names are those of SmallRye's dead-letter queue, which some channels still use.
 */
public final class DeadLetters {

    /** What every dead-letter header's name starts with; a re-drive copies the record's other headers. */
    public static final String PREFIX = "dead-letter-";
    public static final String REASON = "dead-letter-reason";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";
    /**
     * The tenant the record belongs to, set by writers that know it. Operators see a dead letter only through its
     * tenant: this header, or else the tenant its value names (which does not hold for the raw topics, whose writers
     * are not trusted to name their tenant: there only this header counts).
     */
    public static final String TENANT = "dead-letter-tenant";
    /** On a record written back to its source topic by a re-drive: the id ({@code <partition>-<offset>}) of its dead letter. */
    public static final String REDRIVEN_FROM = "redriven-from-dead-letter";

    /**
     * The topics a dead letter may be re-driven to, besides the agents' task topics ({@link #isRedriveTarget}): the
     * session-keyed event topics that consumers read as a stream of events. Not the raw topics (their dead letters
     * keep no text), nor compacted tables (an old record written again would replace a newer one), nor a topic whose
     * partition is chosen by its writer ({@code replies.routed}).
     */
    public static final List<Topic<String, ?>> REDRIVE_TOPICS = List.of(Topics.TURNS_CLEARED, Topics.TURNS_REJECTED,
            Topics.AGENT_RESULTS_CLEARED, Topics.REPLIES_OUTBOUND, Topics.SUPERVISOR_DECISIONS, Topics.SESSIONS_CONTROL,
            Topics.ERASURES);

    /** The topics that hold text before compliance has redacted it. */
    public static final List<Topic<String, ?>> RAW_TOPICS = List.of(Topics.TURNS_RAW, Topics.AGENT_RESULTS_RAW,
            Topics.CHANNELS_INBOUND);

    private static final String TASK_TOPIC_PREFIX = "agent.";
    private static final String TASK_TOPIC_SUFFIX = ".tasks";

    private DeadLetters() {
    }

    /** Adds why the record failed and where it was read (its topic, partition and offset). */
    public static Headers addSource(Headers headers, String reason, String topic, int partition, long offset) {
        add(headers, REASON, reason);
        add(headers, TOPIC, topic);
        add(headers, PARTITION, Integer.toString(partition));
        add(headers, OFFSET, Long.toString(offset));
        return headers;
    }

    /** Adds {@link #TENANT}, unless the tenant is unknown (null or blank). */
    public static Headers addTenant(Headers headers, String tenant) {
        if (tenant != null && !tenant.isBlank()) {
            add(headers, TENANT, tenant);
        }
        return headers;
    }

    /** Adds a header with a text value, in UTF-8. */
    public static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Whether a dead letter read from {@code topic} may be written back there: see {@link #REDRIVE_TOPICS}. */
    public static boolean isRedriveTarget(String topic) {
        if (topic == null) {
            return false;
        }
        if (REDRIVE_TOPICS.stream().anyMatch(target -> target.name().equals(topic))) {
            return true;
        }
        return topic.startsWith(TASK_TOPIC_PREFIX) && topic.endsWith(TASK_TOPIC_SUFFIX)
                && topic.length() > TASK_TOPIC_PREFIX.length() + TASK_TOPIC_SUFFIX.length()
                && Topics.isAgentId(topic.substring(TASK_TOPIC_PREFIX.length(), topic.length() - TASK_TOPIC_SUFFIX.length()));
    }

    /** Whether {@code topic} holds text before redaction ({@link #RAW_TOPICS}). */
    public static boolean isRawTopic(String topic) {
        return RAW_TOPICS.stream().anyMatch(raw -> raw.name().equals(topic));
    }

    /** The tenant an event names: its envelope's, or its own {@code tenant} field; null when it names none. */
    public static String tenantOf(Object event) {
        if (!(event instanceof SpecificRecord record)) {
            return null;
        }
        Schema.Field envelope = record.getSchema().getField("envelope");
        if (envelope != null && record.get(envelope.pos()) instanceof SpecificRecord inner) {
            return tenantOf(inner);
        }
        Schema.Field tenant = record.getSchema().getField("tenant");
        Object value = tenant == null ? null : record.get(tenant.pos());
        return value == null ? null : value.toString();
    }
}
