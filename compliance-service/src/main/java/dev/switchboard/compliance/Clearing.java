package dev.switchboard.compliance;

import java.util.ArrayList;
import java.util.List;

import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Step;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;

/**
 * Clears raw events: redacts what must not travel further and describes the event for the audit
 * trail. Pure functions: the same raw event always clears to the same event with the same id.
 *
 * <p>Records are rebuilt field by field rather than with Avro's copying builders, which resolve
 * classes through the thread's context class loader.
 */
public final class Clearing {

    /** What the audit trail records of one event. */
    public record AuditEntry(String eventId, String eventType, Envelope envelope, String content, int redactions) {
    }

    /** A cleared event, and its audit entry. */
    public record Cleared<T>(T event, AuditEntry audit) {
    }

    private final EmailRedactor redactor = new EmailRedactor();

    public Cleared<TurnReceived> turn(TurnReceived raw) {
        EmailRedactor.Redacted text = redactor.redact(raw.getText());
        TurnReceived cleared = TurnReceived.newBuilder()
                .setEnvelope(Envelopes.derive(raw.getEnvelope(), "cleared"))
                .setChannelMessageId(raw.getChannelMessageId())
                .setText(text.text())
                .build();
        return new Cleared<>(cleared, new AuditEntry(raw.getEnvelope().getEventId(), "TURN_RECEIVED",
                raw.getEnvelope(), text.text(), text.count()));
    }

    public Cleared<AgentResult> result(AgentResult raw) {
        Counter counter = new Counter();
        Handoff handoff = raw.getHandoff() == null ? null : new Handoff(raw.getHandoff().getTarget(),
                counter.redact(raw.getHandoff().getReason()), counter.redact(raw.getHandoff().getContext()));
        Failure failure = raw.getFailure() == null ? null
                : new Failure(raw.getFailure().getCode(), counter.redact(raw.getFailure().getMessage()));
        List<Step> steps = new ArrayList<>();
        for (Step step : raw.getSteps()) {
            steps.add(new Step(step.getKind(), step.getName(), counter.redact(step.getDetail()), step.getDurationMillis()));
        }
        AgentResult cleared = AgentResult.newBuilder()
                .setEnvelope(Envelopes.derive(raw.getEnvelope(), "cleared"))
                .setTaskId(raw.getTaskId())
                .setAgent(raw.getAgent())
                .setOutcome(raw.getOutcome())
                .setReply(counter.redact(raw.getReply()))
                .setHandoff(handoff)
                .setEscalation(counter.redact(raw.getEscalation()))
                .setFailure(failure)
                .setUsage(raw.getUsage())
                .setSteps(steps)
                .setModel(raw.getModel())
                .build();
        return new Cleared<>(cleared, new AuditEntry(raw.getEnvelope().getEventId(), "AGENT_RESULT",
                raw.getEnvelope(), describe(cleared), counter.count));
    }

    /** The audited content of a result: its outcome and the (redacted) words it carries. */
    private static String describe(AgentResult result) {
        StringBuilder content = new StringBuilder(result.getOutcome().name());
        if (result.getReply() != null) {
            content.append(": ").append(result.getReply());
        }
        if (result.getHandoff() != null) {
            content.append(": to ").append(result.getHandoff().getTarget()).append(", ").append(result.getHandoff().getReason());
        }
        if (result.getEscalation() != null) {
            content.append(": ").append(result.getEscalation());
        }
        if (result.getFailure() != null) {
            content.append(": ").append(result.getFailure().getCode()).append(", ").append(result.getFailure().getMessage());
        }
        return content.toString();
    }

    private final class Counter {
        int count;

        String redact(String text) {
            EmailRedactor.Redacted redacted = redactor.redact(text);
            count += redacted.count();
            return redacted.text();
        }
    }
}
