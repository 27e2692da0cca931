package dev.switchboard.supervisor;

import java.time.Instant;
import java.util.List;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * Turns a cleared turn into the task of the agent that should answer it. For now every turn goes to
 * the configured default agent with the default scopes; the chain starts with that agent.
 */
public final class Routing {

    private final SupervisorConfig config;

    public Routing(SupervisorConfig config) {
        this.config = config;
    }

    /**
     * @param state the session's memory, or null for a new session (memory folds asynchronously, so it
     *              may already hold this very turn: that message is left out of the history)
     */
    public AgentTask taskFor(TurnReceived turn, SessionState state) {
        String agent = config.defaultAgent();
        List<String> scopes = List.copyOf(config.defaultScopes());
        Envelope source = turn.getEnvelope();
        DelegationLink first = DelegationLink.newBuilder()
                .setAgent(agent)
                .setScopes(scopes)
                .setReason("default agent")
                .setAt(Instant.now())
                .build();
        Envelope envelope = Envelopes.derive(source, "task/" + agent, List.of(first));
        return AgentTask.newBuilder()
                .setEnvelope(envelope)
                .setTaskId(envelope.getEventId())
                .setAgent(agent)
                .setText(turn.getText())
                .setHistory(history(state, source.getTurnId()))
                .setGrantedScopes(scopes)
                .setMaxIterations(config.maxIterations())
                .setMaxTokens(config.maxTokens())
                .setHop(0)
                .build();
    }

    private List<ChatMessage> history(SessionState state, String currentTurnId) {
        if (state == null) {
            return List.of();
        }
        List<ChatMessage> earlier = state.getRecent().stream()
                .filter(message -> !message.getTurnId().equals(currentTurnId))
                .toList();
        return earlier.subList(Math.max(0, earlier.size() - config.historyMessages()), earlier.size());
    }
}
