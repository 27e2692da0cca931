package dev.switchboard.supervisor;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * Picks the agent of a cleared turn and builds its task. In order: the session's active agent (the
 * agent that answered last, if it is in the catalog); else the first of the tenant's routing rules that
 * matches; else the configured default agent. The first agent gets the default scopes, narrowed to what it
 * declares when the catalog knows it; the chain starts with it.
 */
public final class Routing {

    /** A compiled routing rule. */
    private record Rule(Pattern pattern, String channel, String agent) {
        boolean matches(TurnReceived turn) {
            return (channel == null || channel.equals(turn.getEnvelope().getChannel()))
                    && pattern.matcher(turn.getText()).find();
        }
    }

    private final SupervisorConfig config;
    private final Map<String, List<Rule>> rules;

    public Routing(SupervisorConfig config) {
        this.config = config;
        this.rules = config.tenants().entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, tenant -> tenant.getValue().rules().stream()
                        .map(rule -> new Rule(Pattern.compile(rule.pattern(), Pattern.CASE_INSENSITIVE),
                                rule.channel().orElse(null), rule.agent()))
                        .toList()));
    }

    /** The agent for a turn, and why. */
    public record Choice(String agent, String reason) {
    }

    public Choice choose(TurnReceived turn, SessionState state, Function<String, AgentDescriptor> agents) {
        if (state != null && state.getActiveAgent() != null && agents.apply(state.getActiveAgent()) != null) {
            return new Choice(state.getActiveAgent(), "active agent of the session");
        }
        for (Rule rule : rules.getOrDefault(turn.getEnvelope().getTenant(), List.of())) {
            if (rule.matches(turn)) {
                return new Choice(rule.agent(), "routing rule /" + rule.pattern().pattern() + "/");
            }
        }
        return new Choice(config.defaultAgent(), "default agent");
    }

    /**
     * @param state  the session's memory, or null for a new session (memory folds asynchronously, so it
     *               may already hold this very turn: that message is left out of the history)
     * @param agents the agent catalog (null for an agent it does not know)
     */
    public AgentTask taskFor(TurnReceived turn, SessionState state, Function<String, AgentDescriptor> agents) {
        Choice choice = choose(turn, state, agents);
        List<String> scopes = scopesOf(agents.apply(choice.agent()));
        Envelope source = turn.getEnvelope();
        DelegationLink first = DelegationLink.newBuilder()
                .setAgent(choice.agent())
                .setScopes(scopes)
                .setReason(choice.reason())
                .setAt(Instant.now())
                .build();
        Envelope envelope = Envelopes.derive(source, "task/" + choice.agent(), List.of(first));
        return AgentTask.newBuilder()
                .setEnvelope(envelope)
                .setTaskId(envelope.getEventId())
                .setAgent(choice.agent())
                .setText(turn.getText())
                .setHistory(history(state, source.getTurnId()))
                .setGrantedScopes(scopes)
                .setMaxIterations(config.maxIterations())
                .setMaxTokens(config.maxTokens())
                .setHop(0)
                .build();
    }

    private List<String> scopesOf(AgentDescriptor agent) {
        Set<String> scopes = new LinkedHashSet<>(config.defaultScopes());
        if (agent != null) {
            scopes.retainAll(agent.getScopes());
        }
        return List.copyOf(scopes);
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
