package dev.switchboard.agent.model.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class ModelRegistryTest {

    static ModelsConfig config(Map<String, String> properties) {
        return config(properties, Map.of());
    }

    static ModelsConfig config(Map<String, String> properties, Map<String, String> environment) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ModelsConfig.class)
                // Quarkus's own converter, so durations read as they do in the service ("30s", "500ms").
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new EnvConfigSource(environment, 300))
                .build();
        return config.getConfigMapping(ModelsConfig.class);
    }

    @Test
    void withoutConfiguredModelsEveryNameFallsBackToTheOfflineModel() {
        ModelRegistry registry = new ModelRegistry(config(Map.of()));

        assertThat(registry.model("anything")).isEmpty();
    }

    @Test
    void buildsOneAdapterPerConfiguredModel() {
        ModelsConfig config = config(Map.of(
                "switchboard.models.local.provider", "offline",
                "switchboard.models.gpt.provider", "openai",
                "switchboard.models.gpt.model", "gpt-4o-mini",
                "switchboard.models.gpt.api-key", "sk-from-env",
                "switchboard.models.claude.provider", "anthropic",
                "switchboard.models.claude.model", "claude-sonnet-4-5",
                "switchboard.models.claude.timeout", "45s",
                "switchboard.models.azure.provider", "azure-openai",
                "switchboard.models.azure.base-url", "https://acme.openai.azure.com/openai/deployments/gpt4o",
                "switchboard.models.azure.model", "gpt-4o"));
        ModelRegistry registry = new ModelRegistry(config);

        assertThat(registry.model("local")).isEmpty();
        assertThat(registry.model("gpt")).get().isInstanceOf(OpenAiChatModel.class)
                .extracting(model -> model.id()).isEqualTo("gpt-4o-mini");
        assertThat(registry.model("claude")).get().isInstanceOf(AnthropicChatModel.class);
        assertThat(registry.model("azure")).get().isInstanceOf(OpenAiChatModel.class);
        assertThatThrownBy(() -> registry.model("gemini")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("claude");

        ModelsConfig.NamedModel gpt = config.models().get("gpt");
        assertThat(gpt.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(gpt.maxRetries()).isEqualTo(3);
        assertThat(gpt.maxOutputTokens()).isEqualTo(4096);
        assertThat(config.models().get("claude").timeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void aProviderModelWithoutAModelNameIsAConfigurationError() {
        ModelsConfig config = config(Map.of("switchboard.models.gpt.provider", "openai"));

        assertThatThrownBy(() -> new ModelRegistry(config)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("switchboard.models.gpt.model");
    }

    @Test
    void theApiKeyComesFromTheEnvironment() {
        ModelsConfig config = config(
                Map.of("switchboard.models.gpt.provider", "openai", "switchboard.models.gpt.model", "gpt-4o-mini"),
                Map.of("SWITCHBOARD_MODELS_GPT_API_KEY", "sk-from-env"));

        assertThat(config.models().get("gpt").apiKey()).contains("sk-from-env");
    }

    @Test
    void theApiKeyNeverAppearsInTheSettingsDescription() {
        assertThat(ModelSettings.of("http://localhost:1", "m", "sk-secret").toString()).doesNotContain("sk-secret");
    }
}
