package dev.switchboard.agent.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The deadline of the task the current thread runs, for the model adapters: the SDK's {@code ModelRequest} carries
 * no time limit, and the loop calls the model on the thread that runs the task, so the host sets the task's
 * deadline around the loop ({@link #run}) and the adapters read it ({@link #current}) to bound each attempt, its
 * retries and the waits between them by the time the task has left.
 */
public final class TaskDeadline {

    private static final ThreadLocal<Instant> CURRENT = new ThreadLocal<>();

    private TaskDeadline() {
    }

    /** Runs {@code work} with {@code deadline} as the current task's deadline; restores the previous one after. */
    public static <T> T run(Instant deadline, Supplier<T> work) {
        Instant previous = CURRENT.get();
        CURRENT.set(deadline);
        try {
            return work.get();
        } finally {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }

    /** The deadline of the task running on this thread; empty outside a task (tests, tools). */
    public static Optional<Instant> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** The time the current task has left (zero once passed); empty outside a task. */
    public static Optional<Duration> remaining() {
        return current().map(deadline -> {
            Duration left = Duration.between(Instant.now(), deadline);
            return left.isNegative() ? Duration.ZERO : left;
        });
    }
}
