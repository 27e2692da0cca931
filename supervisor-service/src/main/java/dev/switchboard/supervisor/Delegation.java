package dev.switchboard.supervisor;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.switchboard.events.AgentDescriptor;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.AgentTask;
import dev.switchboard.events.ChatMessage;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.DelegationLink;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.HandoffTarget;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.Role;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.schemas.Envelopes;
import dev.switchboard.schemas.Topics;
import dev.switchboard.supervisor.config.SupervisorConfig;

/**
 * Follows a handoff: the next task of a turn goes to the target agent with the same principal, the
 * scopes narrowed to what the delegator held and the target declares, the context passed on, and one more
 * link in the chain. The supervisor is the authority here, since agent code is not trusted: a handoff to
 * an agent the delegator does not declare, to an unknown agent (not in the catalog, or whose id names no task
 * topic), from a result that names another identity than
 * its task, or beyond the hop limit is refused, audited, and the user is told, always under the task's identity.
 * Next tasks get their ticket when they are dispatched.
 */
public final class Delegation {

    /** What a handoff leads to: the next task, or a reply that ends the turn and the decision to audit. */
    public record Next(AgentTask task, ReplyOutbound reply, SupervisorDecision decision) {
    }

    private final SupervisorConfig config;

    public Delegation(SupervisorConfig config) {
        this.config = config;
    }

    /**
     * @param current the task that produced the handoff (the turn's current task): every reply, decision and
     *                next task is addressed by its envelope and agent
     * @param result  the HANDOFF result: only its handoff request (target, reason, context) is used
     */
    public Next follow(AgentTask current, AgentResult result, AgentDirectory agents) {
        String target = result.getHandoff().getTarget();
        // The delegator is the agent the supervisor gave the task to, whatever the result calls itself.
        AgentDescriptor delegator = agents.find(current.getAgent());
        AgentDescriptor next = agents.find(target);
        if (!sameIdentity(current.getEnvelope(), result.getEnvelope())) {
            return refuse(current, result, "handoff_cross_tenant", "Sorry, I could not hand your request over.");
        }
        if (delegator == null || delegator.getHandoffs().stream().map(HandoffTarget::getTo).noneMatch(target::equals)) {
            return refuse(current, result, "handoff_undeclared", "Sorry, I could not hand your request over to the right specialist.");
        }
        if (next == null || !Topics.isAgentId(target)) {
            return refuse(current, result, "handoff_unknown_agent", "Sorry, the specialist for your request is not available.");
        }
        int hop = current.getHop() + 1;
        if (hop >= config.maxHops()) {
            return new Next(null, Replies.of(current, ReplyKind.LIMIT,
                    "Sorry, your request was passed on too many times. Please start again with a more specific question."),
                    Decisions.of(current.getEnvelope(), DecisionKind.HOP_LIMIT, "max_hops",
                            "handoff to " + target + " would be hop " + hop + " of at most " + config.maxHops(),
                            current.getAgent(), current.getTaskId()));
        }
        String context = "Handed over by " + current.getAgent() + ": " + result.getHandoff().getReason()
                + (result.getHandoff().getContext() == null ? "" : ". Context: " + result.getHandoff().getContext());
        AgentTask task = passOn(current, current.getAgent(), target, narrowed(current, next),
                result.getHandoff().getReason(), context, hop);
        task.setMaxIterations(Math.min(config.maxIterations(), next.getMaxIterations()));
        task.setMaxTokens(Math.min(config.maxTokens(), next.getMaxTokens()));
        return new Next(task, null, null);
    }

    /**
     * The task a person gets when an agent escalates: the same turn, its history and the agent's reason,
     * with the scopes the agent held (a person works under the same principal).
     */
    public AgentTask toHuman(AgentTask current, AgentResult escalation) {
        String reason = escalation.getEscalation() == null ? "escalated by " + current.getAgent()
                : escalation.getEscalation();
        return passOn(current, current.getAgent(), Routing.HUMAN, current.getGrantedScopes(), reason,
                "Escalated by " + current.getAgent() + ": " + reason, current.getHop() + 1);
    }

    private static AgentTask passOn(AgentTask current, String from, String target, List<String> scopes,
            String reason, String context, int hop) {
        List<DelegationLink> chain = new ArrayList<>(current.getEnvelope().getDelegationChain());
        chain.add(DelegationLink.newBuilder().setAgent(target).setScopes(scopes)
                .setReason(reason).setAt(Instant.now()).build());
        Envelope envelope = Envelopes.derive(current.getEnvelope(), "task/" + target + "/" + hop, chain);
        List<ChatMessage> history = new ArrayList<>(current.getHistory());
        history.add(ChatMessage.newBuilder().setRole(Role.SYSTEM).setAgent(from)
                .setTurnId(envelope.getTurnId()).setAt(Instant.now()).setText(context).build());
        return AgentTask.newBuilder()
                .setEnvelope(envelope)
                .setTaskId(envelope.getEventId())
                .setAgent(target)
                .setText(current.getText())
                .setHistory(history)
                .setGrantedScopes(scopes)
                .setMaxIterations(current.getMaxIterations())
                .setMaxTokens(current.getMaxTokens())
                .setHop(hop)
                .build();
    }

    /** What the delegator held, intersected with what the target declares: never wider along a chain. */
    static List<String> narrowed(AgentTask current, AgentDescriptor target) {
        Set<String> held = new LinkedHashSet<>(current.getGrantedScopes());
        held.retainAll(target.getScopes());
        return List.copyOf(held);
    }

    /** Whether the result names the task's own tenant, session, turn, user and channel. */
    private static boolean sameIdentity(Envelope task, Envelope result) {
        return task.getTenant().equals(result.getTenant())
                && task.getSessionId().equals(result.getSessionId())
                && task.getTurnId().equals(result.getTurnId())
                && task.getChannel().equals(result.getChannel())
                && task.getPrincipal().getTenant().equals(result.getPrincipal().getTenant())
                && task.getPrincipal().getUser().equals(result.getPrincipal().getUser());
    }

    /** Answers and audits under the task's envelope: the result's identity is what may be wrong. */
    private static Next refuse(AgentTask current, AgentResult result, String code, String text) {
        String target = result.getHandoff().getTarget();
        return new Next(null, Replies.of(current, ReplyKind.FAILURE, text + " (" + code + ")"),
                Decisions.of(current.getEnvelope(), DecisionKind.HANDOFF_REFUSED, code,
                        current.getAgent() + " handed off to " + target + ": refused", current.getAgent(),
                        current.getTaskId()));
    }
}
