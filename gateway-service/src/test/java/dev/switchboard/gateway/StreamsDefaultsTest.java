package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import dev.switchboard.testkit.KafkaTestResource;
import dev.switchboard.testkit.TokenTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The inbound topology runs with the runtime's shared Kafka Streams defaults. */
@QuarkusTest
@WithTestResource(value = KafkaTestResource.class, initArgs = @ResourceArg(name = "principal", value = Callers.PRINCIPAL))
@WithTestResource(TokenTestResource.class)
class StreamsDefaultsTest {

    @Inject
    KafkaStreams streams;

    @Test
    void oneStreamThreadPerProcessorBatchingCommitsAndBlockingIdlePolls() {
        await().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        assertThat(streams.metadataForLocalThreads()).hasSize(Runtime.getRuntime().availableProcessors());
        var config = ConfigProvider.getConfig();
        assertThat(config.getValue("kafka-streams.commit.interval.ms", Long.class)).isEqualTo(100);
        assertThat(config.getValue("kafka-streams.poll.ms", Long.class)).isEqualTo(100);
        assertThat(config.getValue("kafka-streams.processing.guarantee", String.class)).isEqualTo("exactly_once_v2");
    }
}
