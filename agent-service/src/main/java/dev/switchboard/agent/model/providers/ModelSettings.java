package dev.switchboard.agent.model.providers;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a provider adapter needs to reach one model, resolved from {@link ModelsConfig}.
 *
 * @param baseUrl                the API root, without a trailing slash
 * @param model                  the provider's model name, sent in each request and reported as the model id
 * @param apiKey                 the API key, or null for servers that need none (local vLLM, Ollama)
 * @param timeout                limit on one attempt
 * @param maxRetries             attempts after the first on retryable failures
 * @param maxOutputTokens        cap on tokens written per call
 * @param initialBackoff         first retry delay, doubled on each retry
 * @param maxBackoff             cap on any retry delay, Retry-After included
 * @param circuitBreakerFailures consecutive failed attempts that open the circuit
 * @param circuitBreakerDelay    how long an open circuit fails fast
 */
public record ModelSettings(URI baseUrl, String model, String apiKey, Duration timeout, int maxRetries,
        int maxOutputTokens, Duration initialBackoff, Duration maxBackoff, int circuitBreakerFailures,
        Duration circuitBreakerDelay) {

    public ModelSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(model, "model");
        String url = baseUrl.toString();
        baseUrl = url.endsWith("/") ? URI.create(url.substring(0, url.length() - 1)) : baseUrl;
        if (maxRetries < 0 || maxOutputTokens < 1 || circuitBreakerFailures < 1) {
            throw new IllegalArgumentException("max-retries must be >= 0, max-output-tokens and "
                    + "circuit-breaker-failures >= 1");
        }
    }

    /** The defaults of {@link ModelsConfig.NamedModel} for a model at {@code baseUrl}. */
    public static ModelSettings of(String baseUrl, String model, String apiKey) {
        return new ModelSettings(URI.create(baseUrl), model, apiKey, Duration.ofSeconds(30), 3, 4096,
                Duration.ofMillis(500), Duration.ofSeconds(30), 5, Duration.ofSeconds(30));
    }

    static ModelSettings from(String name, ModelsConfig.NamedModel config, String defaultBaseUrl) {
        String baseUrl = config.baseUrl().orElse(defaultBaseUrl);
        if (baseUrl == null) {
            throw new IllegalArgumentException("switchboard.models." + name + ".base-url is required");
        }
        String model = config.model().orElseThrow(
                () -> new IllegalArgumentException("switchboard.models." + name + ".model is required"));
        return new ModelSettings(URI.create(baseUrl), model, config.apiKey().orElse(null), config.timeout(),
                config.maxRetries(), config.maxOutputTokens(), config.initialBackoff(), config.maxBackoff(),
                config.circuitBreakerFailures(), config.circuitBreakerDelay());
    }

    public ModelSettings withRetries(int retries) {
        return new ModelSettings(baseUrl, model, apiKey, timeout, retries, maxOutputTokens, initialBackoff,
                maxBackoff, circuitBreakerFailures, circuitBreakerDelay);
    }

    public ModelSettings withTimeout(Duration perAttempt) {
        return new ModelSettings(baseUrl, model, apiKey, perAttempt, maxRetries, maxOutputTokens, initialBackoff,
                maxBackoff, circuitBreakerFailures, circuitBreakerDelay);
    }

    public ModelSettings withBackoff(Duration initial, Duration max) {
        return new ModelSettings(baseUrl, model, apiKey, timeout, maxRetries, maxOutputTokens, initial, max,
                circuitBreakerFailures, circuitBreakerDelay);
    }

    public ModelSettings withCircuitBreaker(int failures, Duration delay) {
        return new ModelSettings(baseUrl, model, apiKey, timeout, maxRetries, maxOutputTokens, initialBackoff,
                maxBackoff, failures, delay);
    }

    /** The output limit for one call: what the request asks, within this model's cap. */
    int outputTokens(int requested) {
        return requested > 0 ? Math.min(requested, maxOutputTokens) : maxOutputTokens;
    }

    @Override
    public String toString() {
        // The key stays out of logs and exception messages.
        return "ModelSettings[baseUrl=" + baseUrl + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }
}
