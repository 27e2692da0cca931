package dev.switchboard.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

import io.apicurio.registry.serde.avro.AvroKafkaSerializer;

/**
 * Serializes any Switchboard event. Without configuration it writes Avro single-object encoding
 * (no registry needed); when {@value RegistryConfig#REGISTRY_URL} is configured it delegates to
 * Apicurio Registry's serializer, which registers and references schemas by id.
 */
public class AvroSerializer implements Serializer<SpecificRecord> {

    private Serializer<Object> registry;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (RegistryConfig.isConfigured(configs)) {
            Serializer delegate = new AvroKafkaSerializer<>();
            delegate.configure(RegistryConfig.withDefaults(configs), isKey);
            registry = delegate;
        }
    }

    @Override
    public byte[] serialize(String topic, SpecificRecord data) {
        if (data == null) {
            return null;
        }
        return registry != null ? registry.serialize(topic, data) : SingleObjectCodec.encode(data);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, SpecificRecord data) {
        if (data == null) {
            return null;
        }
        return registry != null ? registry.serialize(topic, headers, data) : SingleObjectCodec.encode(data);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
