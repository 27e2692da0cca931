package dev.switchboard.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class PromptCommitsTest {

    @Test
    void theSettingsAreTheRuntimesDefaults() {
        assertThat(PromptCommits.SPACING.toMillis()).isEqualTo(20);
        assertThat(PromptCommits.INTERVAL.toMillis()).isEqualTo(100);
        assertThat(PromptCommits.LIGHT_RECORDS).isEqualTo(3);
    }

    @Test
    void underLightTrafficEachRecordIsCommittedAtOnceAtMostOncePerSpacing() throws Exception {
        // Each stream thread keeps its own counts: run on a thread of its own.
        List<Boolean> committed = onOwnThread(context -> commitsAt(context, 1_000, 1_005, 1_020, 1_150, 5_000));
        // 1_005 comes within the spacing of 1_000; 1_020 is the spacing later; a new interval starts at 1_150.
        assertThat(committed).containsExactly(true, false, true, true, true);
    }

    @Test
    void underHeavierTrafficRecordsWaitForTheIntervalsCommit() throws Exception {
        List<Boolean> committed = onOwnThread(context -> commitsAt(context, 1_000, 1_021, 1_042, 1_063, 1_084, 1_100,
                1_121));
        // The fourth record of an interval and those after it ride the interval's commit; a new interval (1_100)
        // counts afresh.
        assertThat(committed).containsExactly(true, true, true, false, false, true, true);
    }

    private static List<Boolean> commitsAt(MockProcessorContext<Object, Object> context, long... times) {
        List<Boolean> seen = new ArrayList<>();
        for (long at : times) {
            context.resetCommit();
            context.setCurrentSystemTimeMs(at);
            PromptCommits.requested(context);
            seen.add(context.committed());
        }
        return seen;
    }

    @Test
    void eachStreamThreadSpacesItsOwnRequests() throws Exception {
        MockProcessorContext<Object, Object> first = new MockProcessorContext<>();
        first.setCurrentSystemTimeMs(10_000);
        PromptCommits.requested(first);
        List<Boolean> other = onOwnThread(context -> {
            context.setCurrentSystemTimeMs(10_001);
            PromptCommits.requested(context);
            return List.of(context.committed());
        });
        assertThat(first.committed()).isTrue();
        assertThat(other).containsExactly(true);
    }

    private static List<Boolean> onOwnThread(java.util.function.Function<MockProcessorContext<Object, Object>,
            List<Boolean>> scenario) throws InterruptedException {
        AtomicReference<List<Boolean>> result = new AtomicReference<>();
        Thread thread = new Thread(() -> result.set(scenario.apply(new MockProcessorContext<>())));
        thread.start();
        thread.join();
        return result.get();
    }
}
