package dev.switchboard.schemas.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Avro's single-object encoding (a two-byte marker, the schema's 64-bit fingerprint, then the binary
 * datum): self-describing enough to need no schema registry. This is the embedded default.
 *
 * <p>The data model is built from each record class's own class loader, not the thread's context
 * loader, so that generated classes resolve correctly inside Quarkus' test class loaders.
 */
final class SingleObjectCodec {

    private static final int HEADER_LENGTH = 10;

    private static final Map<Class<?>, BinaryMessageEncoder<SpecificRecord>> ENCODERS = new ConcurrentHashMap<>();
    private static final Map<Class<?>, BinaryMessageDecoder<SpecificRecord>> DECODERS = new ConcurrentHashMap<>();

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

    /** Decodes into whichever known event type the fingerprint in the header names. */
    static SpecificRecord decode(byte[] data) {
        if (data.length < HEADER_LENGTH || data[0] != (byte) 0xC3 || data[1] != (byte) 0x01) {
            throw new SerializationException("Not Avro single-object encoded data (" + data.length + " bytes)");
        }
        long fingerprint = ByteBuffer.wrap(data, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Class<? extends SpecificRecord> type = EventTypes.byFingerprint(fingerprint);
        if (type == null) {
            throw new SerializationException("Unknown schema fingerprint " + Long.toHexString(fingerprint)
                    + ": written with a schema version this build does not know");
        }
        try {
            return DECODERS.computeIfAbsent(type,
                    t -> new BinaryMessageDecoder<>(modelOf(t), EventTypes.schemaOf(type))).decode(data);
        } catch (IOException e) {
            throw new SerializationException("Cannot decode " + type.getSimpleName(), e);
        }
    }

    private static SpecificData modelOf(Class<?> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        model.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        return model;
    }
}
