package dev.switchboard.benchmark;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An open-model load generator: request {@code i} is due at {@code start + i / rate} and is sent then,
 * whether or not earlier requests were answered (an asynchronous sender never blocks the schedule), so
 * a slow system meets more load instead of less, as it would in production. When the generator itself
 * falls behind (a pause), it sends the overdue requests at once, and their latency counts from when
 * they were due, not from when they left: no coordinated omission.
 */
final class OpenLoadGenerator {

    /**
     * Sends request number {@code sequence}, due at {@code dueNanos} ({@link System#nanoTime()}); {@code measured}
     * is false during the warm-up. The stage completes with its outcome.
     */
    @FunctionalInterface
    interface Sender {
        CompletionStage<Outcome> send(long sequence, long dueNanos, boolean measured);
    }

    /**
     * {@code REPLIED}: the answer carried the reply (synchronous web chat, 200); {@code ACCEPTED}: the request was
     * taken (202, or the broker's acknowledgement for the floor); {@code REFUSED}: any other status;
     * {@code TIMED_OUT}: no reply in time (504 of a synchronous request, an HTTP timeout or a failed request).
     */
    enum Outcome { REPLIED, ACCEPTED, REFUSED, TIMED_OUT }

    /**
     * What the requests due in the measured part of a run got back. Histograms in microseconds from when each
     * request was due: {@code replies} for {@code REPLIED}, {@code accepts} for {@code ACCEPTED}.
     */
    record Result(long sent, long replied, long accepted, long refused, long timedOut, Histogram replies,
            Histogram accepts) {

        long acceptP99Micros() {
            return accepts.getValueAtPercentile(99);
        }
    }

    private OpenLoadGenerator() {
    }

    /**
     * Sends at {@code rate} per second for {@code warmupMillis + measureMillis}, then waits up to
     * {@code answerTimeoutMillis} for the outstanding answers. Only requests due after the warm-up count.
     */
    static Result run(double rate, long warmupMillis, long measureMillis, long answerTimeoutMillis, long firstSequence,
            Sender sender) throws InterruptedException {
        AtomicLong replied = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        AtomicLong timedOut = new AtomicLong();
        AtomicLong outstanding = new AtomicLong();
        Recorder replyLatency = new Recorder(3);
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
            CompletionStage<Outcome> answer;
            try {
                answer = sender.send(firstSequence + i, due, measured);
            } catch (RuntimeException failed) {
                answer = java.util.concurrent.CompletableFuture.failedFuture(failed);
            }
            answer.whenComplete((outcome, failure) -> {
                if (!measured) {
                    return;
                }
                long micros = Math.max(1, (System.nanoTime() - due) / 1000);
                Outcome result = failure != null ? Outcome.TIMED_OUT : outcome;
                switch (result) {
                    case REPLIED -> {
                        replied.incrementAndGet();
                        replyLatency.recordValue(micros);
                    }
                    case ACCEPTED -> {
                        accepted.incrementAndGet();
                        acceptLatency.recordValue(micros);
                    }
                    case REFUSED -> refused.incrementAndGet();
                    case TIMED_OUT -> timedOut.incrementAndGet();
                }
                outstanding.decrementAndGet();
            });
        }
        long answerDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(answerTimeoutMillis);
        while (outstanding.get() > 0 && System.nanoTime() < answerDeadline) {
            Thread.sleep(20);
        }
        long unanswered = outstanding.get();
        return new Result(sent, replied.get(), accepted.get(), refused.get(), timedOut.get() + unanswered,
                replyLatency.getIntervalHistogram(), acceptLatency.getIntervalHistogram());
    }
}
