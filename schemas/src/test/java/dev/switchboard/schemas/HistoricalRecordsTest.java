package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Role;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.serde.AvroDeserializer;
import dev.switchboard.schemas.serde.EventTypes;

/**
 * Records written with earlier versions of the schemas (as older instances, compacted topics and state stores hold
 * them) are read by the current code: written here with a recorded historical schema through Avro's generic model,
 * read through the catalog's serdes.
 */
class HistoricalRecordsTest {

    private static final long AT = 1_767_225_600_000L;

    @Test
    void aTurnWrittenBeforeTheEnvelopeHadReplyToIsReadWithNoSlots() {
        Schema old = oldest(TurnReceived.class);
        assertThat(old.getField("envelope").schema().getField("replyTo")).isNull();
        GenericRecord turn = sample(old);
        turn.put("text", "hello from before");
        GenericRecord envelope = (GenericRecord) turn.get("envelope");
        envelope.put("eventId", "e-old");
        envelope.put("tenant", "acme");
        envelope.put("sessionId", "s-old");
        ((GenericRecord) envelope.get("principal")).put("user", "alice");

        TurnReceived read = Topics.TURNS_RAW.valueSerde().deserializer().deserialize("turns.raw", encode(old, turn));

        assertThat(read.getText()).isEqualTo("hello from before");
        assertThat(read.getEnvelope().getEventId()).isEqualTo("e-old");
        assertThat(read.getEnvelope().getTenant()).isEqualTo("acme");
        assertThat(read.getEnvelope().getSessionId()).isEqualTo("s-old");
        assertThat(read.getEnvelope().getPrincipal().getUser()).isEqualTo("alice");
        assertThat(read.getEnvelope().getOccurredAt()).isEqualTo(Instant.ofEpochMilli(AT));
        assertThat(read.getEnvelope().getReplyTo()).isEmpty();
        assertThat(read.getEnvelope().getPrincipal().getAttributes()).isEmpty();
    }

    @Test
    void aReplyWrittenWithTheFirstSchemaKeepsItsKindAndText() {
        Schema old = oldest(ReplyOutbound.class);
        GenericRecord reply = sample(old);
        reply.put("kind", new GenericData.EnumSymbol(old.getField("kind").schema(), "ESCALATION"));
        reply.put("text", "a human will answer");
        reply.put("agent", null);

        ReplyOutbound read = Topics.REPLIES_OUTBOUND.valueSerde().deserializer()
                .deserialize("replies.outbound", encode(old, reply));

        assertThat(read.getKind()).isEqualTo(ReplyKind.ESCALATION);
        assertThat(read.getText()).isEqualTo("a human will answer");
        assertThat(read.getAgent()).isNull();
        assertThat(read.getEnvelope().getReplyTo()).isEmpty();
    }

    @Test
    void aTaskWrittenBeforeDeadlinesAndTicketsHasNeither() {
        Schema old = oldest(AgentTask.class);
        assertThat(old.getField("ticket")).isNull();
        GenericRecord task = sample(old);
        task.put("taskId", "task-1");
        task.put("agent", "billing");
        task.put("maxIterations", 4);
        task.put("maxTokens", 2_000L);
        task.put("grantedScopes", List.of("read", "refund"));

        AgentTask read = (AgentTask) new AvroDeserializer().deserialize("agent.billing.tasks", encode(old, task));

        assertThat(read.getTaskId()).isEqualTo("task-1");
        assertThat(read.getAgent()).isEqualTo("billing");
        assertThat(read.getMaxIterations()).isEqualTo(4);
        assertThat(read.getMaxTokens()).isEqualTo(2_000L);
        assertThat(read.getGrantedScopes()).containsExactly("read", "refund");
        assertThat(read.getHistory()).hasSize(1);
        assertThat(read.getDeadline()).isNull();
        assertThat(read.getTicket()).isNull();
        assertThat(read.getEnvelope().getReplyTo()).isEmpty();
    }

    @Test
    void aSessionStateWrittenBeforeSummariesHasNoSummaryAndNoFacts() {
        Schema old = oldest(SessionState.class);
        assertThat(old.getField("facts")).isNull();
        GenericRecord state = sample(old);
        state.put("sessionId", "s-old");
        state.put("turns", 12L);
        GenericRecord message = (GenericRecord) ((List<?>) state.get("recent")).get(0);
        message.put("role", new GenericData.EnumSymbol(message.getSchema().getField("role").schema(), "AGENT"));
        message.put("text", "your order shipped");

        SessionState read = Topics.SESSIONS_STATE.valueSerde().deserializer()
                .deserialize("sessions.state", encode(old, state));

        assertThat(read.getSessionId()).isEqualTo("s-old");
        assertThat(read.getTurns()).isEqualTo(12L);
        assertThat(read.getRecent()).singleElement().satisfies(m -> {
            assertThat(m.getRole()).isEqualTo(Role.AGENT);
            assertThat(m.getText()).isEqualTo("your order shipped");
        });
        assertThat(read.getSummary()).isNull();
        assertThat(read.getFacts()).isEmpty();
    }

    /** Every earlier version of every type: what was written came through, and the rest took its defaults. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("earlierVersions")
    void everyEarlierVersionIsReadIntoTheCurrentClass(String entry, Class<? extends SpecificRecord> type, Schema old)
            throws IOException {
        GenericRecord written = sample(old);
        byte[] bytes = encode(old, written);

        SpecificRecord read = new AvroDeserializer().deserialize("any", bytes);

        assertThat(read).isInstanceOf(type);
        assertCameThrough(entry, plain(written), plain(read));
        assertThat(plain(read)).as("as Avro resolves it with the current schema")
                .isEqualTo(plain(resolvedGenerically(old, EventTypes.schemaOf(type), bytes)));
    }

    @Test
    void anUnknownFingerprintIsASerializationErrorThatNamesIt() {
        Schema unknown = new Schema.Parser().parse("""
                {"type": "record", "name": "Unknown", "namespace": "dev.switchboard.events",
                 "fields": [{"name": "a", "type": "string"}]}""");
        GenericRecord record = new GenericData.Record(unknown);
        record.put("a", "x");
        assertThatThrownBy(() -> new AvroDeserializer().deserialize("x", encode(unknown, record)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown schema fingerprint " + EventTypes.hex(EventTypes.fingerprint(unknown)));
    }

    static Stream<Arguments> earlierVersions() {
        List<Arguments> versions = new ArrayList<>();
        for (Class<? extends SpecificRecord> type : EventTypes.ALL) {
            long current = EventTypes.fingerprint(EventTypes.schemaOf(type));
            EventTypes.history(type).stream().filter(schema -> EventTypes.fingerprint(schema) != current)
                    .forEach(schema -> versions.add(Arguments.of(SchemaHistory.entry(type, schema), type, schema)));
        }
        assertThat(versions).as("earlier versions recorded").isNotEmpty();
        return versions.stream();
    }

    /** The first recorded schema of a type, which must differ from the current one. */
    private static Schema oldest(Class<? extends SpecificRecord> type) {
        Schema oldest = EventTypes.history(type).get(0);
        assertThat(EventTypes.fingerprint(oldest)).isNotEqualTo(EventTypes.fingerprint(EventTypes.schemaOf(type)));
        return oldest;
    }

    /** Single-object encoding with the given (old) writer schema, as an older build wrote it. */
    private static byte[] encode(Schema writer, GenericRecord record) {
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), writer).encode(record);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GenericRecord resolvedGenerically(Schema writer, Schema reader, byte[] singleObject)
            throws IOException {
        return new GenericDatumReader<GenericRecord>(writer, reader).read(null,
                DecoderFactory.get().binaryDecoder(singleObject, 10, singleObject.length - 10, null));
    }

    /** A record of the schema with every field set, to a value other than its default where the type allows. */
    static GenericRecord sample(Schema record) {
        return (GenericRecord) sample(record, record.getName());
    }

    private static Object sample(Schema schema, String name) {
        return switch (schema.getType()) {
            case RECORD -> {
                GenericRecord record = new GenericData.Record(schema);
                schema.getFields().forEach(field -> record.put(field.name(), sample(field.schema(), field.name())));
                yield record;
            }
            case UNION -> sample(schema.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL)
                    .findFirst().orElse(schema.getTypes().get(0)), name);
            case ARRAY -> new GenericData.Array<>(schema, List.of(sample(schema.getElementType(), name)));
            case MAP -> Map.of("k-" + name, sample(schema.getValueType(), name));
            case ENUM -> new GenericData.EnumSymbol(schema, schema.getEnumSymbols().get(0));
            case STRING -> "v-" + name;
            case INT -> 7;
            case LONG -> AT;
            case FLOAT -> 1.5f;
            case DOUBLE -> 2.5;
            case BOOLEAN -> true;
            case BYTES -> ByteBuffer.wrap(new byte[] {1, 2, 3});
            case FIXED -> new GenericData.Fixed(schema, new byte[schema.getFixedSize()]);
            case NULL -> null;
        };
    }

    /** A record's fields by name, in plain Java values, so a generic and a generated record compare. */
    private record Fields(Map<String, Object> values) {
    }

    private static Object plain(Object value) {
        if (value instanceof IndexedRecord record) {
            Map<String, Object> values = new LinkedHashMap<>();
            record.getSchema().getFields().forEach(f -> values.put(f.name(), plain(record.get(f.pos()))));
            return new Fields(values);
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(HistoricalRecordsTest::plain).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> values = new LinkedHashMap<>();
            map.forEach((k, v) -> values.put(k.toString(), plain(v)));
            return values;
        }
        if (value instanceof CharSequence || value instanceof Enum<?> || value instanceof GenericData.EnumSymbol) {
            return value.toString();
        }
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        return value;
    }

    /** Every field the writer set is in what was read, with the same value. */
    private static void assertCameThrough(String path, Object written, Object read) {
        if (written instanceof Fields fields) {
            assertThat(read).as(path).isInstanceOf(Fields.class);
            fields.values().forEach((name, value) -> {
                assertThat(((Fields) read).values()).as(path).containsKey(name);
                assertCameThrough(path + "." + name, value, ((Fields) read).values().get(name));
            });
        } else if (written instanceof List<?> items) {
            assertThat(read).as(path).isInstanceOf(List.class);
            assertThat((List<?>) read).as(path).hasSameSizeAs(items);
            for (int i = 0; i < items.size(); i++) {
                assertCameThrough(path + "[" + i + "]", items.get(i), ((List<?>) read).get(i));
            }
        } else {
            assertThat(read).as(path).isEqualTo(written);
        }
    }
}
