package dev.switchboard.agent.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
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
}
