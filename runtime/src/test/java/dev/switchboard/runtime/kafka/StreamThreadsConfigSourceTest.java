package dev.switchboard.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.ServiceLoader;

import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

class StreamThreadsConfigSourceTest {

    @Test
    void oneStreamThreadPerAvailableProcessorBelowAServicesOwnConfiguration() {
        StreamThreadsConfigSource source = new StreamThreadsConfigSource();
        assertThat(source.getValue("kafka-streams.num.stream.threads"))
                .isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
        assertThat(source.getPropertyNames()).containsExactly("kafka-streams.num.stream.threads");
        // application.properties has 250, the environment 300, system properties 400
        assertThat(source.getOrdinal()).isLessThan(250);
    }

    @Test
    void isRegisteredForServiceLoading() {
        assertThat(ServiceLoader.load(ConfigSource.class).stream().map(ServiceLoader.Provider::type))
                .contains(StreamThreadsConfigSource.class);
    }

    @Test
    void sharedStreamsDefaultsBlockIdlePollsAndBatchCommits() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/microprofile-config.properties")) {
            defaults.load(in);
        }
        assertThat(defaults).containsEntry("kafka-streams.processing.guarantee", "exactly_once_v2")
                .containsEntry("kafka-streams.commit.interval.ms", "100")
                .containsEntry("kafka-streams.poll.ms", "100")
                .containsEntry("kafka-streams.topic.segment.bytes", "67108864")
                .containsEntry("kafka-streams.topic.segment.ms", "3600000");
    }
}
