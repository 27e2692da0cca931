package dev.switchboard.runtime.kafka;

import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * The one Kafka Streams default that is not a constant: {@code kafka-streams.num.stream.threads}, one stream
 * thread per processor the JVM may use ({@link Runtime#availableProcessors()}, which follows the container's CPU
 * limit). The other Streams defaults every service shares are in the runtime's
 * {@code META-INF/microprofile-config.properties}.
 *
 * <p>Its ordinal is that of {@code microprofile-config.properties} (100): a service's {@code application.properties}
 * (250), the environment ({@code KAFKA_STREAMS_NUM_STREAM_THREADS}, 300) and system properties (400) override it.
 * A service that uses no Kafka Streams ignores the key. Registered in
 * {@code META-INF/services/org.eclipse.microprofile.config.spi.ConfigSource}.
 */
public class StreamThreadsConfigSource implements ConfigSource {

    /** The key Quarkus hands to Kafka Streams as {@code num.stream.threads}. */
    public static final String KEY = "kafka-streams.num.stream.threads";

    /** Below a service's own configuration, at the level of the runtime's other shared defaults. */
    public static final int ORDINAL = 100;

    private final Map<String, String> values = Map.of(KEY, Integer.toString(defaultThreads()));

    /** One stream thread per available processor, at least one. */
    public static int defaultThreads() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public Map<String, String> getProperties() {
        return values;
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "switchboard-runtime-stream-threads";
    }

    @Override
    public int getOrdinal() {
        return ORDINAL;
    }
}
