package dev.switchboard.agent.model.providers;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.agent.model.TaskDeadline;
import dev.switchboard.agent.sdk.model.ChatModel;
import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ModelResponse;

/**
 * A model behind an HTTP JSON API: one POST per call, bounded by the model's guard (timeout, retries,
 * circuit breaker). Subclasses speak one provider's wire format.
 */
abstract class HttpChatModel implements ChatModel {

    protected final ModelSettings settings;
    private final URI endpoint;
    private final Map<String, String> headers;
    private final ProviderHttp http;
    private final ModelGuard guard;

    protected HttpChatModel(ModelSettings settings, URI endpoint, Map<String, String> headers, String provider) {
        this.settings = settings;
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.http = new ProviderHttp(provider, settings.timeout());
        this.guard = new ModelGuard(provider, settings);
    }

    @Override
    public String id() {
        return settings.model();
    }

    /** Until when this model's circuit is open (its provider kept failing); empty while calls reach the provider. */
    Optional<Instant> circuitOpenUntil() {
        return guard.openUntil();
    }

    /** The provider and the provider's model name ({@code openai model gpt-4o-mini}). */
    String describe() {
        return guard.modelId();
    }

    /**
     * One model call. Inside a task ({@link TaskDeadline}) every attempt is bounded by the time the task has left
     * as well as by the model's timeout, no attempt starts after the deadline, and the waits between retries end
     * at it: the call then fails as not retryable, and does not count against the model's circuit.
     */
    @Override
    public final ModelResponse chat(ModelRequest request) {
        JsonNode body = requestBody(request);
        Optional<Instant> deadline = TaskDeadline.current();
        return guard.call(() -> {
            Duration left = deadline.map(HttpChatModel::until).orElse(settings.timeout());
            if (left.isZero()) {
                throw deadlinePassed();
            }
            try {
                return responseOf(http.post(endpoint, headers, body, left));
            } catch (ProviderException e) {
                if (deadline.isPresent() && until(deadline.get()).isZero()) {
                    throw deadlinePassed();
                }
                throw e;
            }
        });
    }

    private ModelException deadlinePassed() {
        return new ModelException("the task's deadline passed before " + settings.model() + " answered", false);
    }

    private static Duration until(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The provider's request body for a call. */
    abstract JsonNode requestBody(ModelRequest request);

    /** The call's answer, read from the provider's response body. */
    abstract ModelResponse responseOf(JsonNode body);
}
