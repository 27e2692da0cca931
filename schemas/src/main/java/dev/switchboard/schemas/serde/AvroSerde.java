package dev.switchboard.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A typed serde for one event class, for Kafka Streams and plain clients. Registry-free until
 * {@link #configure(Map, boolean)} is called with {@value RegistryConfig#REGISTRY_URL}.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;
    private final AvroSerializer serializer = new AvroSerializer();
    private final AvroDeserializer deserializer = new AvroDeserializer();

    public AvroSerde(Class<T> type) {
        this.type = type;
    }

    /** A new serde of this type configured with the given client configs (registry or not). */
    public AvroSerde<T> configured(Map<String, ?> configs, boolean isKey) {
        AvroSerde<T> copy = new AvroSerde<>(type);
        copy.configure(configs, isKey);
        return copy;
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return serializer.serialize(topic, data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        return serializer.serialize(topic, headers, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return cast(topic, deserializer.deserialize(topic, data));
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return cast(topic, deserializer.deserialize(topic, headers, data));
    }

    private T cast(String topic, SpecificRecord record) {
        if (record == null || type.isInstance(record)) {
            return type.cast(record);
        }
        throw new SerializationException("Topic " + topic + " holds " + record.getClass().getSimpleName()
                + " where " + type.getSimpleName() + " was expected");
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
    }
}
