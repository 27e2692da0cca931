package dev.switchboard.runtime.streams;

import java.time.Duration;

import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Commit at once when traffic is sparse, batch when it is dense.
 *
 * <p>Under exactly-once a record's output becomes visible to the next hop only when its stream thread commits, and
 * a thread commits once {@code commit.interval.ms} has passed since its last commit. Each commit is one
 * transaction, which costs the broker the same whether it carries one record or five hundred: a short interval
 * makes every record its own transaction under load (a few per turn at every hop, and the broker saturates long
 * before the services do), a long one holds a lone record for up to the interval.
 *
 * <p>A processor that produces what a user waits for calls {@link #requested} after each record. While traffic is
 * light, that is while the stream thread has processed at most {@link #LIGHT_RECORDS} records in the current commit
 * interval, a record requests a commit, which Kafka Streams carries out right after the records of the current poll
 * are processed, provided the thread's last request is at least {@link #SPACING} old: a record is held back at most
 * the spacing, and the second record of a turn at the same hop (a result some tens of milliseconds after its turn)
 * is not held for the interval. Under heavier traffic records ride the interval's commits, so the number of
 * transactions stops growing with the load: that is where batching pays.
 *
 * <p>Settings: {@code switchboard.streams.prompt-commit-spacing-ms} (default 20) and
 * {@code switchboard.streams.prompt-commit-light-records} (default 3); the interval is
 * {@code kafka-streams.commit.interval.ms} (100). The counts are kept per stream thread, because under exactly-once
 * v2 one transaction covers every task of the thread.
 */
public final class PromptCommits {

    /** The least time between two requests of one thread: {@code switchboard.streams.prompt-commit-spacing-ms}. */
    public static final Duration SPACING = Duration.ofMillis(setting("switchboard.streams.prompt-commit-spacing-ms", 20));
    /** The commit interval, the window in which a thread's records are counted: {@code kafka-streams.commit.interval.ms}. */
    public static final Duration INTERVAL = Duration.ofMillis(setting("kafka-streams.commit.interval.ms", 100));
    /** The most records a thread may process in one interval for its records still to be committed at once. */
    public static final long LIGHT_RECORDS = setting("switchboard.streams.prompt-commit-light-records", 3);

    /** What one stream thread has done: its last request, and the start and record count of its counting window. */
    private static final class ThreadTraffic {
        long lastRequest = Long.MIN_VALUE;
        long windowStart;
        long windowRecords;
    }

    private static final ThreadLocal<ThreadTraffic> THREAD = ThreadLocal.withInitial(ThreadTraffic::new);

    private PromptCommits() {
    }

    /** Counts the record and, while the calling stream thread's traffic is light, requests a commit at once. */
    public static void requested(ProcessingContext context) {
        long now = context.currentSystemTimeMs();
        ThreadTraffic thread = THREAD.get();
        if (now - thread.windowStart >= INTERVAL.toMillis()) {
            thread.windowStart = now;
            thread.windowRecords = 0;
        }
        thread.windowRecords++;
        boolean light = thread.windowRecords <= LIGHT_RECORDS;
        if (light && (thread.lastRequest == Long.MIN_VALUE || now - thread.lastRequest >= SPACING.toMillis())) {
            thread.lastRequest = now;
            context.commit();
        }
    }

    private static long setting(String name, long fallback) {
        return ConfigProvider.getConfig().getOptionalValue(name, Long.class).orElse(fallback);
    }
}
