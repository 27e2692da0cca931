package dev.switchboard.benchmark;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Recorder;

/**
 * An open-model load generator: request {@code i} is due at {@code start + i / rate} and is sent then,
 * whether or not earlier requests were answered (an asynchronous sender never blocks the schedule), so
 * a slow system meets more load instead of less, as it would in production. When the generator itself
 * falls behind (a pause), it sends the overdue requests at once, and their latency counts from when
 * they were due, not from when they left: no coordinated omission.
 */
final class OpenLoadGenerator {

    /** Sends request number {@code sequence}; the stage completes with its outcome. */
    @FunctionalInterface
    interface Sender {
        CompletionStage<Outcome> send(long sequence);
    }

    enum Outcome { ACCEPTED, REFUSED, TIMED_OUT }

    /** What the requests due in the measured part of a run got back. */
    record Result(long sent, long accepted, long refused, long timedOut, long acceptP50Micros, long acceptP99Micros,
            long acceptMaxMicros) {
    }

    private OpenLoadGenerator() {
    }

    /**
     * Sends at {@code rate} per second for {@code warmupMillis + measureMillis}, then waits up to
     * {@code answerTimeoutMillis} for the outstanding answers. Only requests due after the warm-up count.
     */
    static Result run(double rate, long warmupMillis, long measureMillis, long answerTimeoutMillis, long firstSequence,
            Sender sender) throws InterruptedException {
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong timedOut = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        Recorder acceptLatency = new Recorder(3);
        long intervalNanos = (long) (1e9 / rate);
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.MILLISECONDS.toNanos(warmupMillis);
        long end = measureFrom + TimeUnit.MILLISECONDS.toNanos(measureMillis);
        long sent = 0;
        for (long i = 0; ; i++) {
            long due = start + i * intervalNanos;
            if (due >= end) {
                break;
            }
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean measured = due >= measureFrom;
            if (measured) {
                sent++;
                outstanding.incrementAndGet();
            }
            sender.send(firstSequence + i).whenComplete((outcome, failure) -> {
                if (!measured) {
                    return;
                }
                Outcome result = failure != null ? Outcome.TIMED_OUT : outcome;
                switch (result) {
                    case ACCEPTED -> accepted.incrementAndGet();
                    case REFUSED -> refused.incrementAndGet();
                    case TIMED_OUT -> timedOut.incrementAndGet();
                }
                acceptLatency.recordValue(Math.max(1, (System.nanoTime() - due) / 1000));
                outstanding.decrementAndGet();
            });
        }
        long answerDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(answerTimeoutMillis);
        while (outstanding.get() > 0 && System.nanoTime() < answerDeadline) {
            Thread.sleep(20);
        }
        long unanswered = outstanding.get();
        var histogram = acceptLatency.getIntervalHistogram();
        return new Result(sent, accepted.get(), refused.get(), timedOut.get() + unanswered,
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99), histogram.getMaxValue());
    }
}
