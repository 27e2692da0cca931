package dev.switchboard.runtime.streams;

import java.util.Properties;

import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Builds a service's topology with the configured optimizations. Kafka Streams applies {@code topology.optimization}
 * only when the builder is given it: set in the application's Streams configuration alone, it changes nothing. With
 * {@code all} (the runtime's default, {@code kafka-streams.topology.optimization}) a table read from a topic is
 * restored from that topic instead of a changelog of its own: the supervisor's session table is backed by
 * {@code sessions.state} itself, not by a second copy of every session state.
 */
public final class Topologies {

    private static final Logger LOG = Logger.getLogger(Topologies.class);

    private Topologies() {
    }

    /**
     * What a stream thread that dies of an exception is replaced by: a new thread, which takes over the dead one's
     * tasks, so that one failure does not stop the service. Records that cannot be used never get this far: they go
     * to {@code deadletters} ({@link DeadLetterHandler}); what does is a failure of the thread itself (a dependency
     * down, a dead letter that could not be written), and the replacement reads from the last commit again. (A
     * failed global thread cannot be replaced: Kafka Streams then shuts the client down, and readiness goes DOWN.)
     * Each Streams service produces it as its {@link StreamsUncaughtExceptionHandler} bean.
     */
    public static StreamsUncaughtExceptionHandler replaceFailedThread() {
        return exception -> {
            LOG.errorf(exception, "Stream thread %s failed; replacing it", Thread.currentThread().getName());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        };
    }

    public static Topology build(StreamsBuilder builder) {
        Properties properties = new Properties();
        properties.put(StreamsConfig.TOPOLOGY_OPTIMIZATION_CONFIG, ConfigProvider.getConfig()
                .getOptionalValue("kafka-streams.topology.optimization", String.class).orElse(StreamsConfig.OPTIMIZE));
        return builder.build(properties);
    }
}
