package dev.switchboard.memory.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.switchboard.memory.SessionFold;

/** Queries against a Kafka Streams instance that never reaches RUNNING give up in bounded time. */
class InteractiveQueriesTest {

    @TempDir
    Path stateDir;

    private KafkaStreams streams;
    private InteractiveQueries queries;

    @BeforeEach
    void create() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "switchboard-memory-unstarted");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:1");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        streams = new KafkaStreams(TopologyProducer.build(new SessionFold(5)), props);
        queries = new InteractiveQueries(streams, new HostInfo("localhost", 8084), Duration.ofMillis(300));
    }

    @AfterEach
    void close() {
        streams.close(Duration.ofSeconds(5));
    }

    @Test
    void notReadyWhileCreated() {
        assertThat(streams.state()).isEqualTo(KafkaStreams.State.CREATED);

        assertThatThrownBy(() -> queries.findLocal("s-1"))
                .isInstanceOf(StoreNotReadyException.class)
                .hasMessageContaining("CREATED");
        assertThatThrownBy(() -> queries.ownerOf("s-1"))
                .isInstanceOf(StoreNotReadyException.class)
                .hasMessageContaining("not yet RUNNING");
    }

    @Test
    void notReadyWhenStopped() {
        streams.close(Duration.ofSeconds(5));

        assertThatThrownBy(() -> queries.findLocal("s-1"))
                .isInstanceOf(StoreNotReadyException.class)
                .hasMessageContaining("NOT_RUNNING");
    }

    @Test
    void recognisesItself() {
        assertThat(queries.isLocal(new HostInfo("localhost", 8084))).isTrue();
        assertThat(queries.isLocal(new HostInfo("memory-1", 8084))).isFalse();
    }
}
