package dev.switchboard.runtime.streams;

import java.util.Properties;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Builds a service's topology with the configured optimizations. Kafka Streams applies {@code topology.optimization}
 * only when the builder is given it: set in the application's Streams configuration alone, it changes nothing. With
 * {@code all} (the runtime's default, {@code kafka-streams.topology.optimization}) a table read from a topic is
 * restored from that topic instead of a changelog of its own: the supervisor's session table is backed by
 * {@code sessions.state} itself, not by a second copy of every session state.
 */
public final class Topologies {

    private Topologies() {
    }

    public static Topology build(StreamsBuilder builder) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, ConfigProvider.getConfig()
                .getOptionalValue("kafka-streams.topology.optimization", String.class).orElse(StreamsConfig.OPTIMIZE));
        return builder.build(properties);
    }
}
