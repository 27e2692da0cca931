package dev.switchboard.supervisor;

import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.schemas.Envelopes;

/** Builds the supervisor's audited decisions ({@code supervisor.decisions}). */
public final class Decisions {

    private Decisions() {
    }

    /**
     * @param source the envelope of the event the decision is about (it keeps turn, session and principal)
     * @param code   machine-readable reason
     * @param detail what happened, for people; never message content
     */
    public static SupervisorDecision of(Envelope source, DecisionKind kind, String code, String detail,
            String agent, String taskId) {
        return SupervisorDecision.newBuilder()
                .setEnvelope(Envelopes.derive(source, "decision/" + kind.name().toLowerCase()))
                .setKind(kind)
                .setCode(code)
                .setDetail(detail)
                .setAgent(agent)
                .setTaskId(taskId)
                .build();
    }
}
