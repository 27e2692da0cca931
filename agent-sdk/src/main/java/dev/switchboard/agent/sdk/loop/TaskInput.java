package dev.switchboard.agent.sdk.loop;

import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.model.ChatMessage;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One task for an agent loop: the user's message and everything the loop may use to answer it.
 *
 * @param taskId        the task's id; stays the same when the task is delivered again
 * @param sessionId     the conversation's session id
 * @param principal     who the task is for
 * @param text          the user message to answer
 * @param history       the earlier conversation, oldest first
 * @param grantedScopes the scopes granted for this task; only these (and only those the agent declares) run
 * @param maxIterations the task's iteration limit, or 0 for the agent's own
 * @param maxTokens     the task's token limit, or 0 for the agent's own
 * @param timeout       the task's time limit, or null for the agent's own
 */
public record TaskInput(String taskId, String sessionId, Principal principal, String text, List<ChatMessage> history,
                        Set<String> grantedScopes, int maxIterations, long maxTokens, Duration timeout) {

    public TaskInput {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(text, "text");
        history = history == null ? List.of() : List.copyOf(history);
        grantedScopes = grantedScopes == null ? Set.of() : Set.copyOf(grantedScopes);
    }

    /** A task with no history, no granted scopes and the agent's own limits. */
    public static TaskInput of(String taskId, String sessionId, Principal principal, String text) {
        return new TaskInput(taskId, sessionId, principal, text, List.of(), Set.of(), 0, 0, null);
    }

    public TaskInput withHistory(List<ChatMessage> history) {
        return new TaskInput(taskId, sessionId, principal, text, history, grantedScopes, maxIterations, maxTokens,
                timeout);
    }

    public TaskInput withGrantedScopes(Set<String> grantedScopes) {
        return new TaskInput(taskId, sessionId, principal, text, history, grantedScopes, maxIterations, maxTokens,
                timeout);
    }

    /** The task's own limits; the loop uses the lower of these and the agent's (0 or null: the agent's). */
    public TaskInput withLimits(int maxIterations, long maxTokens, Duration timeout) {
        return new TaskInput(taskId, sessionId, principal, text, history, grantedScopes, maxIterations, maxTokens,
                timeout);
    }
}
