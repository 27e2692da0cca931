package dev.switchboard.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.Test;

class KafkaClientConfigTest {

    private static KafkaClientConfig config(Optional<String> assignor) {
        return new KafkaClientConfig("localhost:9092", Optional.of("SASL_PLAINTEXT"), Optional.of("SCRAM-SHA-512"),
                Optional.of("login"), assignor);
    }

    @Test
    void groupConsumersRebalanceCooperativelyByDefault() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = getClass().getResourceAsStream("/META-INF/microprofile-config.properties")) {
            defaults.load(in);
        }
        // the SmallRye channels' default (kafka.*) and the hand-built consumers' are the same assignor
        assertThat(defaults).containsEntry("kafka." + ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        assertThat(KafkaClientConfig.COOPERATIVE_ASSIGNOR).isEqualTo(CooperativeStickyAssignor.class.getName());
        assertThat(config(Optional.empty()).groupConsumer(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g")))
                .containsExactlyInAnyOrderEntriesOf(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "g",
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName()));
    }

    @Test
    void theConfiguredAssignorAndTheConsumersOwnWin() {
        assertThat(config(Optional.of(RangeAssignor.class.getName())).groupConsumer(Map.of()))
                .containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName())
                .doesNotContainKey(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG);
        assertThat(config(Optional.empty()).groupConsumer(Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                RangeAssignor.class.getName()))).containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                RangeAssignor.class.getName());
    }
}
