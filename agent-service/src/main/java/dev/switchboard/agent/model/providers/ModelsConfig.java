package dev.switchboard.agent.model.providers;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithParentName;

/**
 * The named chat models agents may use, for example {@code switchboard.models.gpt.provider=openai}. API keys
 * come from the environment ({@code SWITCHBOARD_MODELS_GPT_API_KEY}) or from a property expression such as
 * {@code ${OPENAI_API_KEY}}, never from a literal in a properties file.
 */
@ConfigMapping(prefix = "switchboard.models")
public interface ModelsConfig {

    /** The models by name; empty means every agent uses the embedded offline model. */
    @WithParentName
    Map<String, NamedModel> models();

    /** One configured model. */
    interface NamedModel {

        /** Which wire protocol the model speaks. */
        @WithDefault("offline")
        Provider provider();

        /** The API root; defaults to the provider's public endpoint (for Azure: the deployment's URL). */
        Optional<String> baseUrl();

        /** The provider's model name (for Azure, informational: the deployment in the URL decides). */
        Optional<String> model();

        /** The provider's API key. */
        Optional<String> apiKey();

        /** Limit on one attempt, from sending the request to reading the whole answer. */
        @WithDefault("30s")
        Duration timeout();

        /** Attempts after the first on rate limits, server errors, timeouts and broken connections. */
        @WithDefault("3")
        int maxRetries();

        /** The most tokens one call may write; a request asking for fewer gets what it asks. */
        @WithDefault("4096")
        int maxOutputTokens();

        /** First retry delay; it doubles on each retry unless the provider sends Retry-After. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** Upper bound on any retry delay, Retry-After included. */
        @WithDefault("30s")
        Duration maxBackoff();

        /** Consecutive failed attempts that open the circuit. */
        @WithDefault("5")
        int circuitBreakerFailures();

        /** How long an open circuit fails fast before letting a trial call through. */
        @WithDefault("30s")
        Duration circuitBreakerDelay();

        /** Azure OpenAI's {@code api-version} query parameter. */
        @WithDefault("2024-10-21")
        String apiVersion();

        /**
         * The request field for the output limit: {@code max_tokens} (vLLM, Ollama, older OpenAI models) or
         * {@code max_completion_tokens} (required by OpenAI's reasoning models).
         */
        @WithDefault("max_tokens")
        String maxTokensField();
    }

    /** The wire protocols the runtime speaks. */
    enum Provider {
        /** OpenAI chat completions, also served by vLLM, Ollama and other compatible servers. */
        OPENAI,
        /** OpenAI chat completions on an Azure deployment: {@code api-key} header and {@code api-version}. */
        AZURE_OPENAI,
        /** Anthropic Messages API. */
        ANTHROPIC,
        /** The embedded deterministic model; no network. */
        OFFLINE
    }
}
