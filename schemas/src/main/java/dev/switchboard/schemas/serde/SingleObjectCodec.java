package dev.switchboard.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Avro's single-object encoding (a two-byte marker, the schema's 64-bit fingerprint, then the binary
 * datum): self-describing enough to need no schema registry. This is the embedded default. Records written with an
 * earlier version of a schema are read through the schema history that {@link EventTypes} describes.
 *
 * <p>The data model is built from each record class's own class loader, not the thread's context
 * loader, so that generated classes resolve correctly inside Quarkus' test class loaders.
 */
final class SingleObjectCodec {

    private static final int HEADER_LENGTH = 10;

    private static final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ConcurrentHashMap<>();
    /** One decoder per event type, knowing every recorded writer schema of the type ({@link EventTypes#history}). */
    private static final Map<Class<?>, BinaryMessageDecoder<SpecificRecord>> DECODERS = EventTypes.ALL.stream()
            .collect(Collectors.toUnmodifiableMap(Function.identity(), SingleObjectCodec::decoderOf));

    private SingleObjectCodec() {
    }

    static byte[] encode(SpecificRecord record) {
        try {
            return ENCODERS.computeIfAbsent(record.getClass(),
                    type -> new BinaryMessageEncoder<>(modelOf(type), record.getSchema())).encode(record).array();
        } catch (IOException e) {
            throw new SerializationException("Cannot encode " + record.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decodes into whichever event type the fingerprint in the header names, current or earlier version: a record
     * written with an earlier schema is resolved into the current class, its new fields set to their defaults.
     */
    static SpecificRecord decode(byte[] data) {
        if (data.length < HEADER_LENGTH || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            throw new SerializationException("Not Avro single-object encoded data (" + data.length + " bytes)");
        }
        long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Class<? extends SpecificRecord> type = EventTypes.byFingerprint(fingerprint);
        if (type == null) {
            throw new SerializationException("Unknown schema fingerprint " + EventTypes.hex(fingerprint)
                    + ": written with a schema version this build does not know (a newer build's, or one missing from "
                    + "the schema history)");
        }
        try {
            return DECODERS.get(type).decode(data);
        } catch (IOException | AvroRuntimeException e) {
            throw new SerializationException("Cannot decode " + type.getSimpleName(), e);
        }
    }

    private static BinaryMessageDecoder<SpecificRecord> decoderOf(Class<? extends SpecificRecord> type) {
        Schema current = EventTypes.schemaOf(type);
        BinaryMessageDecoder<SpecificRecord> decoder = new BinaryMessageDecoder<>(modelOf(type), current);
        long currentFingerprint = EventTypes.fingerprint(current);
        for (Schema writer : EventTypes.history(type)) {
            if (EventTypes.fingerprint(writer) != currentFingerprint) {
                decoder.addSchema(writer);
            }
        }
        return decoder;
    }

    private static SpecificData modelOf(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        return model;
    }
}
