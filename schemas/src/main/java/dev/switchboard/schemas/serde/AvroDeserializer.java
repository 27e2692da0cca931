package dev.switchboard.schemas.serde;

import java.util.Map;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;

/**
 * Deserializes any Switchboard event into its generated class. Without configuration it reads Avro
 * single-object encoding and picks the class by schema fingerprint; when
 * {@value RegistryConfig#REGISTRY_URL} is configured it delegates to Apicurio Registry's deserializer
 * with the specific (generated-class) reader.
 */
public class AvroDeserializer implements Deserializer<SpecificRecord> {

    private Deserializer<Object> registry;

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (RegistryConfig.isConfigured(configs)) {
            Deserializer delegate = new AvroKafkaDeserializer<>();
            delegate.configure(RegistryConfig.withDefaults(configs), isKey);
            registry = delegate;
        }
    }

    @Override
    public SpecificRecord deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        return registry != null ? (SpecificRecord) registry.deserialize(topic, data) : SingleObjectCodec.decode(data);
    }

    @Override
    public SpecificRecord deserialize(String topic, Headers headers, byte[] data) {
        if (data == null) {
            return null;
        }
        return registry != null
                ? (SpecificRecord) registry.deserialize(topic, headers, data)
                : SingleObjectCodec.decode(data);
    }

    @Override
    public void close() {
        if (registry != null) {
            registry.close();
        }
    }
}
