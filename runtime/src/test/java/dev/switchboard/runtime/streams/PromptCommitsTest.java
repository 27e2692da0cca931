package dev.switchboard.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class PromptCommitsTest {

    @Test
    void theSpacingIsTheRuntimesCommitInterval() {
        assertThat(PromptCommits.SPACING.toMillis()).isEqualTo(100);
    }

    @Test
    void aRecordAfterAQuietSpellIsCommittedAtOnceAndTheRecordsRightAfterItWaitForTheInterval() throws Exception {
        long spacing = PromptCommits.SPACING.toMillis();
        // Each stream thread keeps its own last request: run on a thread of its own.
        List<Boolean> committed = onOwnThread(context -> {
            List<Boolean> seen = new ArrayList<>();
            for (long at : new long[] {1_000, 1_001, 1_000 + spacing - 1, 1_000 + spacing, 5_000}) {
                context.resetCommit();
                context.setCurrentSystemTimeMs(at);
                PromptCommits.requested(context);
                seen.add(context.committed());
            }
            return seen;
        });
        assertThat(committed).containsExactly(true, false, false, true, true);
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
