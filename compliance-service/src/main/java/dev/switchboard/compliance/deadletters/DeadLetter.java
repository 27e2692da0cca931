package dev.switchboard.compliance.deadletters;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.serde.AvroDeserializer;

/**
 * One record of {@code deadletters} as it was read: its position (the id {@code <partition>-<offset>}), its key, value
 * and headers, the event its value decodes to, and the tenant it belongs to.
 *
 * <p>The tenant is the {@link DeadLetters#TENANT} header, which writers that know the tenant set; without it, the
 * tenant the decoded event names, except for a dead letter of a raw topic, whose event is what an untrusted writer
 * claimed (an agent result without a valid ticket names whatever tenant it likes): that one belongs to no tenant.
 *
 * @param event  the value decoded (any event of the catalog), or null when there is no value or it does not decode
 * @param tenant the tenant it belongs to, or null when none is known
 */
public record DeadLetter(int partition, long offset, Instant time, byte[] key, byte[] value, List<Header> headers,
        SpecificRecord event, String tenant) {

    private static final Pattern ID = Pattern.compile("([0-9]{1,9})-([0-9]{1,18})");

    /** A position on {@code deadletters}, parsed from an id. */
    public record Position(int partition, long offset) {
    }

    /** The position an id names; empty for anything that is not {@code <partition>-<offset>}. */
    public static Optional<Position> position(String id) {
        Matcher matcher = id == null ? null : ID.matcher(id);
        if (matcher == null || !matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Position(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2))));
    }

    static DeadLetter of(ConsumerRecord<byte[], byte[]> record, AvroDeserializer values) {
        List<Header> headers = List.of(record.headers().toArray());
        SpecificRecord event = decode(record.value(), values);
        String tenant = text(headers, DeadLetters.TENANT);
        if (tenant == null && !DeadLetters.isRawTopic(text(headers, DeadLetters.TOPIC))) {
            tenant = DeadLetters.tenantOf(event);
        }
        return new DeadLetter(record.partition(), record.offset(), Instant.ofEpochMilli(record.timestamp()),
                record.key(), record.value(), headers, event, tenant);
    }

    /** {@code <partition>-<offset>} on {@code deadletters}. */
    public String id() {
        return partition + "-" + offset;
    }

    public String reason() {
        return header(DeadLetters.REASON);
    }

    public String sourceTopic() {
        return header(DeadLetters.TOPIC);
    }

    public Integer sourcePartition() {
        String partition = header(DeadLetters.PARTITION);
        try {
            return partition == null ? null : Integer.valueOf(partition);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public Long sourceOffset() {
        String offset = header(DeadLetters.OFFSET);
        try {
            return offset == null ? null : Long.valueOf(offset);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The value of the last header of this name, as UTF-8 text, or null. */
    public String header(String name) {
        return text(headers, name);
    }

    /**
     * Why the dead letter cannot be written back to its source topic, or empty when it can: it must name a source
     * topic dead letters are re-driven to ({@link DeadLetters#isRedriveTarget}), which a raw topic is not, and its
     * value must decode.
     */
    public Optional<String> notRedrivable() {
        String topic = sourceTopic();
        if (topic == null) {
            return Optional.of("it names no source topic");
        }
        if (topic.equals(Topics.TURNS_RAW.name()) || topic.equals(Topics.AGENT_RESULTS_RAW.name())) {
            return Optional.of("it comes from the raw topic " + topic + " and keeps none of its text; the original is on "
                    + topic + " at partition " + sourcePartition() + ", offset " + sourceOffset()
                    + " while that topic keeps it");
        }
        if (DeadLetters.isRawTopic(topic)) {
            return Optional.of("it comes from the raw topic " + topic + ", which is not re-driven to");
        }
        if (!DeadLetters.isRedriveTarget(topic)) {
            return Optional.of("its source topic " + topic + " is not one dead letters are re-driven to");
        }
        if (value == null) {
            return Optional.of("it has no value");
        }
        if (event == null) {
            return Optional.of("its value does not decode");
        }
        return Optional.empty();
    }

    private static SpecificRecord decode(byte[] value, AvroDeserializer values) {
        if (value == null) {
            return null;
        }
        try {
            return values.deserialize(Topics.DEAD_LETTERS.name(), value);
        } catch (RuntimeException undecodable) {
            return null;
        }
    }

    private static String text(List<Header> headers, String name) {
        for (int i = headers.size() - 1; i >= 0; i--) {
            Header header = headers.get(i);
            if (header.key().equals(name)) {
                return header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
