package dev.switchboard.gateway.channels.messaging;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CompletableFuture;

/**
 * A limit on the replies being delivered at once that waits without a thread: {@link #acquire} completes at once
 * while there is room, else when a delivery ends ({@link #release}). The reply consumer takes the next record only
 * when its acquisition completed, which holds back the Kafka connector instead of queueing replies without bound.
 */
final class InFlightLimit {

    private final int max;
    private final Deque<CompletableFuture<Void>> waiting = new ArrayDeque<>();
    private int inFlight;

    InFlightLimit(int max) {
        this.max = Math.max(1, max);
    }

    /** Completes when a slot is taken for one delivery. */
    synchronized CompletableFuture<Void> acquire() {
        if (inFlight < max) {
            inFlight++;
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> slot = new CompletableFuture<>();
        waiting.add(slot);
        return slot;
    }

    /** Gives a delivery's slot back, to the next waiting one if there is one. */
    void release() {
        CompletableFuture<Void> next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null) {
                inFlight--;
                return;
            }
        }
        next.complete(null); // the slot passes on, inFlight unchanged
    }

    synchronized int inFlight() {
        return inFlight;
    }
}
