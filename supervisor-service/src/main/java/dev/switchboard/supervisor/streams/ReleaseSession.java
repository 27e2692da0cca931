package dev.switchboard.supervisor.streams;

import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

import dev.switchboard.events.ControlAction;
import dev.switchboard.events.DecisionKind;
import dev.switchboard.events.SessionControl;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.supervisor.Decisions;

/**
 * Applies operator instructions from {@code sessions.control}: a RELEASE takes an escalated session off the
 * human queue, so its next turn is routed to agents again, and is audited. An instruction for a session that
 * is not escalated, or from another tenant, changes nothing.
 */
final class ReleaseSession extends SupervisorProcessor<SessionControl> {

    private static final Logger LOG = Logger.getLogger(ReleaseSession.class);

    ReleaseSession(Supervision supervision) {
        super(supervision);
    }

    @Override
    public void process(Record<String, SessionControl> record) {
        touch(record);
        SessionControl control = record.value();
        if (control.getAction() != ControlAction.RELEASE) {
            LOG.warnf("Ignoring unknown session control action for session %s", record.key());
            return;
        }
        SupervisorDecision escalated = escalations.get(record.key());
        if (escalated == null || !escalated.getEnvelope().getTenant().equals(control.getTenant())) {
            LOG.infof("Release of session %s ignored: it is not escalated for tenant %s", record.key(),
                    control.getTenant());
            return;
        }
        escalations.delete(record.key());
        context.forward(record.withValue(Decisions.of(escalated.getEnvelope(), DecisionKind.RELEASED, "released",
                "released from the human queue by " + control.getActor(), null, null)));
    }
}
