package dev.switchboard.supervisor.streams;

import java.util.Optional;

import org.apache.kafka.streams.processor.api.Record;

import dev.switchboard.events.AgentTask;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.ReplyKind;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.supervisor.Decisions;
import dev.switchboard.supervisor.Replies;
import dev.switchboard.supervisor.Routing;
import dev.switchboard.supervisor.TenantPolicy;

/**
 * Routes a cleared turn (joined with its session's memory) to its first agent, through the budget check.
 * A session that is with a person goes to {@code human.queue} instead, until it is released; a routing rule
 * whose agent is {@value Routing#HUMAN} escalates the session by policy. A routing step that names an agent no task
 * can be addressed to (not a valid id, or not in the catalog: a policy written before the check at the door, or an
 * agent that left the catalog since) is audited, and the turn goes to the tenant's default agent instead, or, when
 * that cannot take it either, is answered with an apology.
 */
final class RouteTurn extends SupervisorProcessor<TopologyProducer.TurnInSession> {

    RouteTurn(Supervision supervision) {
        super(supervision);
    }

    @Override
    public void process(Record<String, TopologyProducer.TurnInSession> record) {
        touch(record);
        TurnReceived turn = record.value().turn();
        Routing routing = supervision.routing();
        SupervisorDecision escalated = escalations.get(record.key());
        if (escalated != null) {
            AgentTask task = routing.taskFor(turn, record.value().session(),
                    new Routing.Choice(Routing.HUMAN, "session is with a person (" + escalated.getCode() + ")"), null);
            toPerson(record, task, Decisions.of(turn.getEnvelope(), DecisionKind.QUEUED_FOR_HUMAN,
                    "session_escalated", "turn queued for a person", Routing.HUMAN, task.getTaskId()));
            return;
        }
        TenantPolicy policy = policy(turn.getEnvelope().getTenant());
        Routing.Choice choice = routing.choose(turn, record.value().session(), policy, this);
        if (!Routing.addressable(choice.agent(), this)) {
            Optional<Routing.Choice> instead = routing.instead(choice, policy, this);
            context.forward(record.withValue(Decisions.of(turn.getEnvelope(), DecisionKind.HANDOFF_REFUSED,
                    Routing.UNKNOWN_AGENT, choice.reason() + " named " + Routing.notAddressable(choice.agent()) + "; "
                            + instead.map(fallback -> "routed to the default agent " + fallback.agent())
                                    .orElse("the default agent " + policy.defaultAgent() + " cannot take it either"),
                    choice.agent(), null)));
            if (instead.isEmpty()) {
                context.forward(record.withValue(Replies.of(turn.getEnvelope(), null, ReplyKind.FAILURE,
                        Replies.NO_AGENT)));
                return;
            }
            choice = instead.get();
        }
        AgentTask task = routing.taskFor(turn, record.value().session(), choice, find(choice.agent()));
        if (Routing.HUMAN.equals(choice.agent())) {
            // A routing rule of the tenant's policy escalates: the session stays with a person until released.
            SupervisorDecision byPolicy = Decisions.of(turn.getEnvelope(), DecisionKind.ESCALATED, "routing_policy",
                    "escalated to a person by " + choice.reason(), null, task.getTaskId());
            escalations.put(record.key(), byPolicy);
            toPerson(record, task, byPolicy);
            return;
        }
        dispatch(record, task, policy);
    }

    /** Puts the turn on the human queue and tells the user a colleague has it. */
    private void toPerson(Record<String, TopologyProducer.TurnInSession> record, AgentTask task,
            SupervisorDecision decision) {
        context.forward(record.withValue(ticketed(task)));
        context.forward(record.withValue(Replies.of(task.getEnvelope(), Routing.HUMAN, ReplyKind.ESCALATION,
                Replies.WITH_HUMAN)));
        context.forward(record.withValue(decision));
    }
}
