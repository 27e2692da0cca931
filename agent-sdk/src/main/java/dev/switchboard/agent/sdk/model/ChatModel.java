package dev.switchboard.agent.sdk.model;

/**
 * A chat model with tool calling: the one interface the agent loop talks to. Implemented by the
 * runtime's provider adapters (OpenAI-compatible, Anthropic), by the deterministic offline model, and
 * by {@code ScriptedModel} for agent authors' tests.
 */
public interface ChatModel {

    /** The model's id as reported in results and audit steps (for example {@code gpt-4o-mini}). */
    String id();

    /**
     * One model call.
     *
     * @throws ModelException when the provider fails; {@link ModelException#retryable()} says whether a
     *                        later attempt may succeed (rate limits, server errors, timeouts)
     */
    ModelResponse chat(ModelRequest request);
}
