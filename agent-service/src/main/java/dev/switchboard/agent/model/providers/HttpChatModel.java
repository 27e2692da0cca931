package dev.switchboard.agent.model.providers;

import java.net.URI;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.agent.sdk.model.ChatModel;
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

    @Override
    public final ModelResponse chat(ModelRequest request) {
        JsonNode body = requestBody(request);
        return guard.call(() -> responseOf(http.post(endpoint, headers, body)));
    }

    /** The provider's request body for a call. */
    abstract JsonNode requestBody(ModelRequest request);

    /** The call's answer, read from the provider's response body. */
    abstract ModelResponse responseOf(JsonNode body);
}
