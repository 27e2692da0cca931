package dev.switchboard.schemas;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.common.header.Headers;

/**
 * The headers every writer of {@code deadletters} ({@link Topics#DEAD_LETTERS}) gives a dead letter alike: why the
 * record failed and where it was read, so that one tool can list, find and re-read them whatever service wrote them.
 * The names are those of SmallRye's dead-letter queue, which some channels still use.
 */
public final class DeadLetters {

    public static final String REASON = "dead-letter-reason";
    public static final String TOPIC = "dead-letter-topic";
    public static final String PARTITION = "dead-letter-partition";
    public static final String OFFSET = "dead-letter-offset";

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

    /** Adds a header with a text value, in UTF-8. */
    public static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
