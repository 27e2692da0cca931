package dev.switchboard.agent.model.providers;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.eclipse.microprofile.faulttolerance.exceptions.TimeoutException;

import dev.switchboard.agent.model.TaskDeadline;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelResponse;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;

/**
 * Retry, circuit breaker and timeout around one model's calls, built with SmallRye Fault Tolerance's
 * programmatic API so that each configured model gets its own guard (and its own circuit).
 *
 * <p>SmallRye applies the strategies as retry, then circuit breaker, then timeout: every attempt is timed
 * and counted by the circuit, and a call refused by an open circuit is not retried but fails at once.
 * Only failures a later attempt may cure (rate limits, server errors, timeouts, broken connections) are
 * retried or count against the circuit; a rejected request fails at once and leaves the circuit closed.
 * Inside a task the waits between retries end at the task's deadline ({@link TaskDeadline}).
 *
 * <p>The circuit's state is kept for readiness ({@link #openUntil()}): open from the moment the failures opened it
 * until its delay has passed, when the next call is let through as a trial (a failing trial opens it again).
 */
final class ModelGuard {

    private final String modelId;
    private final Duration circuitDelay;
    private final TypedGuard<ModelResponse> guard;
    private volatile Instant openUntil;

    ModelGuard(String provider, ModelSettings settings) {
        this.modelId = provider + " model " + settings.model();
        this.circuitDelay = settings.circuitBreakerDelay();
        Predicate<Throwable> transientFailure = ModelGuard::isTransient;
        long initial = settings.initialBackoff().toMillis();
        long max = Math.max(initial, settings.maxBackoff().toMillis());
        this.guard = TypedGuard.create(ModelResponse.class)
                .withDescription(modelId)
                .withRetry()
                    .maxRetries(settings.maxRetries())
                    .delay(initial, ChronoUnit.MILLIS)
                    .jitter(0, ChronoUnit.MILLIS)
                    // Retries are bounded by their count; the duration limit only has to exceed the waits.
                    .maxDuration(Duration.ofDays(1).toMillis(), ChronoUnit.MILLIS)
                    .whenException(transientFailure)
                    .withCustomBackoff().strategy(() -> new RetryAfterBackoff(max)).done()
                    .done()
                .withCircuitBreaker()
                    .requestVolumeThreshold(settings.circuitBreakerFailures())
                    .failureRatio(1.0)
                    .delay(settings.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(1)
                    .when(transientFailure)
                    .onStateChange(this::circuitIs)
                    .done()
                .withTimeout()
                    .duration(settings.timeout().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }

    private void circuitIs(CircuitBreakerState state) {
        openUntil = state == CircuitBreakerState.OPEN ? Instant.now().plus(circuitDelay) : null;
    }

    /** Until when the circuit is open (calls fail at once without reaching the provider); empty when it is not. */
    Optional<Instant> openUntil() {
        Instant until = openUntil;
        return until != null && until.isAfter(Instant.now()) ? Optional.of(until) : Optional.empty();
    }

    /** The provider and the provider's model name, as the guard's failures name them. */
    String modelId() {
        return modelId;
    }

    ModelResponse call(Callable<ModelResponse> attempt) {
        try {
            return guard.call(attempt);
        } catch (ModelException e) {
            throw e;
        } catch (CircuitBreakerOpenException e) {
            throw new ModelException(modelId + " is failing: circuit open, not calling it for now", true, e);
        } catch (TimeoutException e) {
            throw new ModelException(modelId + " timed out", true, e);
        } catch (RuntimeException e) {
            throw new ModelException(modelId + " call failed: " + e, false, e);
        } catch (Exception e) {
            throw new ModelException(modelId + " call failed: " + e, true, e);
        }
    }

    private static boolean isTransient(Throwable failure) {
        return failure instanceof ModelException model ? model.retryable() : failure instanceof TimeoutException;
    }

    /** Doubles the delay on each retry, but waits as long as the provider asked when it sent Retry-After. */
    private static final class RetryAfterBackoff implements CustomBackoffStrategy {

        private final long maxMillis;
        private long nextMillis;

        RetryAfterBackoff(long maxMillis) {
            this.maxMillis = maxMillis;
        }

        @Override
        public void init(long initialDelayInMillis) {
            nextMillis = initialDelayInMillis;
        }

        @Override
        public long nextDelayInMillis(Throwable cause) {
            long backoff = nextMillis;
            nextMillis = Math.min(maxMillis, nextMillis * 2);
            long delay = cause instanceof ProviderException provider && provider.retryAfter().isPresent()
                    ? Math.min(maxMillis, provider.retryAfter().get().toMillis())
                    : Math.min(maxMillis, backoff);
            // Never wait past the task's deadline (the guard is synchronous: this runs on the task's thread); the
            // attempt after the wait then fails at once as the deadline having passed.
            return TaskDeadline.remaining().map(left -> Math.min(delay, left.toMillis())).orElse(delay);
        }
    }
}
