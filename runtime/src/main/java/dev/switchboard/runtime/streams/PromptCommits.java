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
 * <p>A processor that produces what a user waits for calls {@link #requested} after each record. The first record a
 * stream thread processes after a quiet spell of at least {@link #SPACING} requests a commit, which Kafka Streams
 * carries out right after the records of the current poll are processed; the records that follow within the
 * spacing ride the thread's next commit, at most the commit interval later. So a thread makes at most about two
 * transactions per interval whatever the load, and a record that arrives alone is not held back.
 *
 * <p>The spacing is the commit interval ({@code kafka-streams.commit.interval.ms}, the runtime's default 100 ms).
 * The last request is kept per stream thread, because under exactly-once v2 one transaction covers every task of
 * the thread.
 */
public final class PromptCommits {

    /** The quiet spell after which a record's commit is requested at once: the configured commit interval. */
    public static final Duration SPACING = Duration.ofMillis(ConfigProvider.getConfig()
            .getOptionalValue("kafka-streams.commit.interval.ms", Long.class).orElse(100L));

    private static final ThreadLocal<long[]> LAST_REQUEST = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});

    private PromptCommits() {
    }

    /** Requests a commit of the calling stream thread's transaction if it requested none in the last spacing. */
    public static void requested(ProcessingContext context) {
        long now = context.currentSystemTimeMs();
        long[] last = LAST_REQUEST.get();
        if (last[0] == Long.MIN_VALUE || now - last[0] >= SPACING.toMillis()) {
            last[0] = now;
            context.commit();
        }
    }
}
