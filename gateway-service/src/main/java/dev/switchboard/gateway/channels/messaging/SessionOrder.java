package dev.switchboard.gateway.channels.messaging;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * Runs work for many sessions at the same time and the work of one session in the order it was submitted: each
 * session's work starts when its previous work has ended (well or not), on the executor. A session that waits
 * (a slow platform, retries) holds back only its own later work; no thread is held while its work waits on a stage.
 * A session that has nothing left to do is forgotten.
 */
final class SessionOrder {

    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final Executor executor;

    SessionOrder(Executor executor) {
        this.executor = executor;
    }

    /**
     * Runs {@code work} after the session's earlier work has ended.
     *
     * @return completes as the stage that {@code work} returns completes (exceptionally if it fails or throws)
     */
    CompletableFuture<Void> submit(String session, Supplier<? extends CompletionStage<Void>> work) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = tails.put(session, done);
        CompletableFuture<Void> after = previous == null ? CompletableFuture.completedFuture(null) : previous;
        after.whenCompleteAsync((ignored, failure) -> {
            CompletionStage<Void> stage;
            try {
                stage = work.get();
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((result, error) -> {
                tails.remove(session, done);
                if (error == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(error);
                }
            });
        }, executor);
        return done;
    }

    /** Sessions with work submitted and not yet ended. */
    int sessions() {
        return tails.size();
    }
}
