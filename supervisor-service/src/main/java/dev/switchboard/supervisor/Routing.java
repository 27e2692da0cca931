package dev.switchboard.supervisor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Role;
import dev.switchboard.events.SessionState;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * Picks the agent of a cleared turn and builds its task. In order: the session's active agent (the agent
 * that answered last, if it is in the catalog); else the first of the tenant's routing rules that matches;
 * else the router model, choosing among the agents' descriptions; else the tenant's default agent. The first
 * agent gets the default scopes, narrowed to what it declares when the catalog knows it; the chain starts with it.
 * A task is only ever addressed to an agent that {@linkplain #addressable can take it}: a rule (or the router)
 * naming any other agent gives way to the default agent ({@link #instead}).
 */
public final class Routing {

    /** The agent of sessions escalated to a person: their turns go to {@code human.queue}. */
    public static final String HUMAN = "human";

    /** The code of the decision audited when a routing step names an agent that cannot take a task. */
    public static final String UNKNOWN_AGENT = "unknown_agent";

    /** The agent for a turn, and why. */
    public record Choice(String agent, String reason) {
    }

    private final SupervisorConfig config;
    private final RouterModel router;

    public Routing(SupervisorConfig config, RouterModel router) {
        this.config = config;
        this.router = router;
    }

    public Choice choose(TurnReceived turn, SessionState state, TenantPolicy policy, AgentDirectory agents) {
        if (state != null && state.getActiveAgent() != null && known(state.getActiveAgent(), agents)) {
            return new Choice(state.getActiveAgent(), "active agent of the session");
        }
        for (TenantPolicy.Rule rule : policy.rules()) {
            if (rule.matches(turn)) {
                return new Choice(rule.agent(), rule.describe());
            }
        }
        if (config.router().enabled()) {
            Optional<RouterModel.Pick> pick = router.choose(turn.getText(), agents.all());
            if (pick.isPresent()) {
                return new Choice(pick.get().agent(), pick.get().reason());
            }
        }
        return new Choice(policy.defaultAgent(), "default agent");
    }

    /**
     * Whether a task can be addressed to {@code agent}: a person ({@value #HUMAN}), or an agent in the catalog
     * whose id names a task topic. Any other agent has no instance to answer, and possibly no topic at all.
     */
    public static boolean addressable(String agent, AgentDirectory agents) {
        return HUMAN.equals(agent) || known(agent, agents);
    }

    /** Why a task cannot be addressed to {@code agent}, for the audited decision. */
    public static String notAddressable(String agent) {
        return Topics.isAgentId(agent) ? agent + " is not in the agent catalog"
                : agent + " is not a valid agent id";
    }

    /**
     * What a turn goes to when {@code unknown} cannot be addressed: the tenant's default agent, or empty when it
     * cannot be addressed either (or was the agent chosen).
     */
    public Optional<Choice> instead(Choice unknown, TenantPolicy policy, AgentDirectory agents) {
        String fallback = policy.defaultAgent();
        if (fallback.equals(unknown.agent()) || !addressable(fallback, agents)) {
            return Optional.empty();
        }
        return Optional.of(new Choice(fallback, "default agent (" + unknown.reason() + " named unknown agent "
                + unknown.agent() + ")"));
    }

    private static boolean known(String agent, AgentDirectory agents) {
        return Topics.isAgentId(agent) && agents.find(agent) != null;
    }

    /**
     * The first task of a turn.
     *
     * @param state the session's memory, or null for a new session (memory folds asynchronously, so it may
     *              already hold this very turn: that message is left out of the history)
     * @param agent what the chosen agent declares, or null (a person, or an agent the catalog does not know)
     */
    public AgentTask taskFor(TurnReceived turn, SessionState state, Choice choice, AgentDescriptor agent) {
        List<String> scopes = scopesOf(agent);
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
                .setMaxIterations(agent == null ? config.maxIterations()
                        : Math.min(config.maxIterations(), agent.getMaxIterations()))
                .setMaxTokens(agent == null ? config.maxTokens() : Math.min(config.maxTokens(), agent.getMaxTokens()))
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

    /**
     * The session's memory for the agent: a SYSTEM message with the rolling summary of older messages and the
     * facts memory extracted (when there are any), then the last {@code historyMessages} messages.
     */
    private List<ChatMessage> history(SessionState state, String currentTurnId) {
        if (state == null) {
            return List.of();
        }
        List<ChatMessage> earlier = state.getRecent().stream()
                .filter(message -> !message.getTurnId().equals(currentTurnId))
                .toList();
        List<ChatMessage> history = new ArrayList<>();
        String memory = memoryOf(state);
        if (memory != null) {
            history.add(ChatMessage.newBuilder().setRole(Role.SYSTEM).setText(memory).setAgent(null)
                    .setTurnId(currentTurnId).setAt(state.getUpdatedAt()).build());
        }
        history.addAll(earlier.subList(Math.max(0, earlier.size() - config.historyMessages()), earlier.size()));
        return history;
    }

    private static String memoryOf(SessionState state) {
        StringBuilder memory = new StringBuilder();
        if (state.getSummary() != null && !state.getSummary().isBlank()) {
            memory.append("Earlier in this conversation:\n").append(state.getSummary());
        }
        if (!state.getFacts().isEmpty()) {
            if (memory.length() > 0) {
                memory.append("\n");
            }
            memory.append("Known about the user: ").append(new TreeMap<>(state.getFacts()).entrySet().stream()
                    .map(fact -> fact.getKey() + "=" + fact.getValue()).collect(Collectors.joining(", ")));
        }
        return memory.length() == 0 ? null : memory.toString();
    }
}
