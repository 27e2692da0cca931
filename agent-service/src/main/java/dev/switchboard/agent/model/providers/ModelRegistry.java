package dev.switchboard.agent.model.providers;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import jakarta.enterprise.context.ApplicationScoped;

import dev.switchboard.agent.sdk.model.ChatModel;

/**
 * The configured chat models by name ({@code switchboard.models.<name>.*}). A name configured as
 * {@code offline}, or any name when no model is configured, has no entry: the caller then uses the embedded
 * offline model.
 */
@ApplicationScoped
public class ModelRegistry {

    private final Map<String, ChatModel> models = new TreeMap<>();
    private final Map<String, ModelsConfig.Provider> providers = new TreeMap<>();

    public ModelRegistry(ModelsConfig config) {
        config.models().forEach((name, model) -> {
            providers.put(name, model.provider());
            create(name, model).ifPresent(chatModel -> models.put(name, chatModel));
        });
    }

    /**
     * The model configured under {@code name}, or empty when the offline model should answer.
     *
     * @throws IllegalArgumentException when models are configured but none under this name
     */
    public Optional<ChatModel> model(String name) {
        if (providers.isEmpty()) {
            return Optional.empty();
        }
        if (!providers.containsKey(name)) {
            throw new IllegalArgumentException("no model named '" + name + "'; configured: " + providers.keySet());
        }
        return Optional.ofNullable(models.get(name));
    }

    /**
     * The configured models whose circuit is open (their provider kept failing, so calls fail at once for now), by
     * name, with until when and which provider model it is.
     */
    public Map<String, OpenCircuit> openCircuits() {
        Map<String, OpenCircuit> open = new TreeMap<>();
        models.forEach((name, model) -> {
            if (model instanceof HttpChatModel http) {
                http.circuitOpenUntil().ifPresent(until -> open.put(name, new OpenCircuit(http.describe(), until)));
            }
        });
        return open;
    }

    /** A model's open circuit: the provider model ({@code openai model gpt-4o-mini}) and until when it stays open. */
    public record OpenCircuit(String model, Instant until) {
    }

    private static Optional<ChatModel> create(String name, ModelsConfig.NamedModel model) {
        return switch (model.provider()) {
            case OFFLINE -> Optional.empty();
            case OPENAI -> Optional.of(new OpenAiChatModel(
                    ModelSettings.from(name, model, OpenAiChatModel.DEFAULT_BASE_URL), model.maxTokensField()));
            case AZURE_OPENAI -> Optional.of(OpenAiChatModel.azure(ModelSettings.from(name, model, null),
                    model.apiVersion(), model.maxTokensField()));
            case ANTHROPIC -> Optional.of(new AnthropicChatModel(
                    ModelSettings.from(name, model, AnthropicChatModel.DEFAULT_BASE_URL)));
        };
    }
}
