package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

import dev.switchboard.agent.config.AgentServiceConfigTest;

class AgentWorkersTest {

    @Test
    void theConsumerPollsAtMostTheConfiguredNumberOfTasks() {
        assertThat(AgentWorkers.consumerSettings(AgentServiceConfigTest.config(Map.of()), "concierge"))
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 8)
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "switchboard-agent-concierge")
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        assertThat(AgentWorkers.consumerSettings(AgentServiceConfigTest.config(Map.of(
                "switchboard.agent-service.concurrency", "4")), "concierge"))
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4);
        assertThat(AgentWorkers.consumerSettings(AgentServiceConfigTest.config(Map.of(
                "switchboard.agent-service.max-poll-records", "2")), "concierge"))
                .containsEntry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2);
    }

    @Test
    void theLargestResultIsTheLowestOfTheConfiguredLimitTheRequestSizeAndTheTopicsMessageSize() {
        var defaults = AgentServiceConfigTest.config(Map.of());
        assertThat(AgentWorkers.workerSettings(defaults, AgentWorkers.producerSettings(defaults, "concierge")))
                .satisfies(settings -> {
                    assertThat(settings.maxResultBytes()).isEqualTo(1024 * 1024);
                    assertThat(settings.transactionRetries()).isEqualTo(5);
                    assertThat(settings.transactionBackoff()).isEqualTo(Duration.ofMillis(200));
                });
        var small = AgentServiceConfigTest.config(Map.of("switchboard.agent-service.max-result-bytes", "4096"));
        assertThat(AgentWorkers.workerSettings(small, Map.of()).maxResultBytes()).isEqualTo(4096);
        var large = AgentServiceConfigTest.config(Map.of("switchboard.agent-service.max-result-bytes", "10000000"));
        assertThat(AgentWorkers.workerSettings(large, Map.of()).maxResultBytes())
                .as("the producer's default max.request.size").isEqualTo(1024 * 1024);
        assertThat(AgentWorkers.workerSettings(large, Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 5_000_000))
                .maxResultBytes()).as("the broker's default max.message.bytes").isEqualTo(AgentWorkers.BROKER_MAX_MESSAGE_BYTES);
        assertThat(AgentWorkers.workerSettings(large, Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 500_000))
                .maxResultBytes()).isEqualTo(500_000);
    }
}
