package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void topicNamesAreUnique() {
        List<String> names = Topics.all(List.of("concierge", "billing-agent")).stream().map(Topic::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains("agent.billing-agent.tasks", "turns.raw");
    }

    @Test
    void sessionStateIsCompactedAndTheRestIsNot() {
        assertThat(Topics.SESSIONS_STATE.configs()).containsEntry("cleanup.policy", "compact")
                .containsEntry("segment.bytes", Integer.toString(64 * 1024 * 1024))
                .containsEntry("segment.ms", "3600000");
        assertThat(Topics.TURNS_RAW.configs()).containsEntry("cleanup.policy", "delete");
    }

    @Test
    void agentIdsMustBeKebabCase() {
        assertThatThrownBy(() -> Topics.agentTasks("Billing_Agent"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kebab-case");
        assertThatThrownBy(() -> Topics.agentTasks("../x")).isInstanceOf(IllegalArgumentException.class);
    }
}
