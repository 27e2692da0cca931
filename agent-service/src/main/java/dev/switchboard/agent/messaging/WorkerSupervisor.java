package dev.switchboard.agent.messaging;

import java.time.Duration;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

/**
 * Runs one agent's worker on a thread of its own and starts a new one (with new Kafka clients) when it stops
 * unexpectedly, after a back-off that doubles up to {@link #MAX_BACKOFF} and starts again once a worker ran that long.
 * A worker fenced by a newer instance with the same transactional id is not restarted: that instance has taken over.
 * While no worker runs, {@link #isRunning()} is false, and the {@code agent workers} readiness check is down; once
 * fenced ({@link #isFenced()}), the liveness check too.
 */
final class WorkerSupervisor {

    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private static final Logger LOG = Logger.getLogger(WorkerSupervisor.class);

    private final String agent;
    private final Supplier<AgentWorker> workers;
    private final Duration initialBackoff;
    private final Thread thread;
    private volatile AgentWorker current;
    private volatile boolean stopping;
    private volatile int started;

    /**
     * @param workers        a new worker, with new clients, each time it is called
     * @param initialBackoff the wait before the first restart
     */
    WorkerSupervisor(String agent, Supplier<AgentWorker> workers, Duration initialBackoff) {
        this.agent = agent;
        this.workers = workers;
        this.initialBackoff = initialBackoff;
        this.thread = new Thread(this::supervise, "agent-worker-" + agent);
    }

    /** Builds the first worker here, so that clients that cannot be built fail start, and runs it. */
    void start() {
        current = workers.get();
        started = 1;
        thread.start();
    }

    private void supervise() {
        Duration backoff = initialBackoff;
        AgentWorker worker = current;
        while (true) {
            long began = System.nanoTime();
            if (worker != null) {
                worker.run();
                if (worker.isFenced()) {
                    return;
                }
            }
            if (stopping || Thread.currentThread().isInterrupted()) {
                return;
            }
            if (Duration.ofNanos(System.nanoTime() - began).compareTo(MAX_BACKOFF) >= 0) {
                backoff = initialBackoff;
            }
            LOG.warnf("Worker of agent %s stopped; a new one starts in %d ms", agent, backoff.toMillis());
            try {
                Thread.sleep(backoff.toMillis());
            } catch (InterruptedException e) {
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            worker = newWorker();
        }
    }

    /** A new worker, or null when it cannot be built (logged; tried again after the next back-off). */
    private AgentWorker newWorker() {
        try {
            AgentWorker worker = workers.get();
            current = worker;
            started++;
            if (stopping) {
                worker.stop();
            }
            return worker;
        } catch (RuntimeException e) {
            LOG.errorf(e, "A new worker of agent %s could not be built", agent);
            return null;
        }
    }

    /** Whether a worker is consuming: false while waiting to restart one, and for good once fenced or stopped. */
    boolean isRunning() {
        AgentWorker worker = current;
        return worker != null && worker.isRunning();
    }

    /** Whether the worker stopped for good because a newer instance with the same transactional id took over. */
    boolean isFenced() {
        AgentWorker worker = current;
        return worker != null && worker.isFenced();
    }

    /** How many workers were started, the first included. */
    int started() {
        return started;
    }

    String agent() {
        return agent;
    }

    /** Stops the worker after its current poll; {@link #join} waits for it. */
    void stop() {
        stopping = true;
        AgentWorker worker = current;
        if (worker != null && worker.isRunning()) {
            worker.stop();
        } else {
            thread.interrupt(); // waiting to restart
        }
    }

    /** Waits at most {@code timeout} for the worker to end after {@link #stop}. */
    void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }
}
