package dev.switchboard.compliance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.EmailRedactor.Redaction;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Step;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Envelopes;

/**
 * Turns a raw event into its cleared form: every free-text field redacted, a new envelope derived with
 * step {@value #STEP}, and the redacted content rendered for the audit trail. Pure: no I/O, no state.
 *
 * <p>Records are rebuilt field by field rather than with Avro's copying builders, which resolve nested
 * classes through the thread's context class loader.
 */
public final class EventRedactor {

    /** The step name given to {@link Envelopes#derive}: a redelivered raw event gets the same cleared id. */
    public static final String STEP = "cleared";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventRedactor() {
    }

    public static Cleared<TurnReceived> clear(TurnReceived raw) {
        Counter counter = new Counter();
        TurnReceived cleared = TurnReceived.newBuilder()
                .setEnvelope(Envelopes.derive(raw.getEnvelope(), STEP))
                .setChannelMessageId(raw.getChannelMessageId())
                .setText(counter.redact(raw.getText()))
                .build();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("text", cleared.getText());
        return new Cleared<>(cleared, toJson(content), counter.total);
    }

    public static Cleared<AgentResult> clear(AgentResult raw) {
        Counter counter = new Counter();
        Handoff handoff = raw.getHandoff() == null ? null : Handoff.newBuilder()
                .setTarget(raw.getHandoff().getTarget())
                .setReason(counter.redact(raw.getHandoff().getReason()))
                .setContext(counter.redact(raw.getHandoff().getContext()))
                .build();
        Failure failure = raw.getFailure() == null ? null : Failure.newBuilder()
                .setCode(raw.getFailure().getCode())
                .setMessage(counter.redact(raw.getFailure().getMessage()))
                .build();
        List<Step> steps = new ArrayList<>(raw.getSteps().size());
        for (Step step : raw.getSteps()) {
            steps.add(Step.newBuilder()
                    .setKind(step.getKind())
                    .setName(step.getName())
                    .setDetail(counter.redact(step.getDetail()))
                    .setDurationMillis(step.getDurationMillis())
                    .build());
        }
        AgentResult cleared = AgentResult.newBuilder()
                .setEnvelope(Envelopes.derive(raw.getEnvelope(), STEP))
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
        return new Cleared<>(cleared, toJson(auditContent(cleared)), counter.total);
    }

    /**
     * What the audit trail keeps of a supervisor decision, which is not re-published: its detail. The detail
     * is written for people and is meant never to quote a message, but it is redacted all the same, so that
     * no audit row depends on another service keeping that promise. Kind, code, agent and task have columns
     * of their own.
     */
    public static AuditContent auditContent(SupervisorDecision decision) {
        Counter counter = new Counter();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("detail", counter.redact(decision.getDetail()));
        return new AuditContent(toJson(content), counter.total);
    }

    /**
     * Redacted content for an audit row of an event that has no cleared form.
     *
     * @param json       the redacted content as a JSON document
     * @param redactions how many values were replaced
     */
    public record AuditContent(String json, int redactions) {
    }

    /** What the audit trail keeps of a result: what the agent said and did, never the raw text. */
    private static Map<String, Object> auditContent(AgentResult result) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("taskId", result.getTaskId());
        content.put("agent", result.getAgent());
        content.put("outcome", result.getOutcome().name());
        putIfPresent(content, "reply", result.getReply());
        if (result.getHandoff() != null) {
            Map<String, Object> handoff = new LinkedHashMap<>();
            handoff.put("target", result.getHandoff().getTarget());
            handoff.put("reason", result.getHandoff().getReason());
            putIfPresent(handoff, "context", result.getHandoff().getContext());
            content.put("handoff", handoff);
        }
        putIfPresent(content, "escalation", result.getEscalation());
        if (result.getFailure() != null) {
            content.put("failure", Map.of("code", result.getFailure().getCode(),
                    "message", result.getFailure().getMessage()));
        }
        List<Map<String, Object>> steps = new ArrayList<>();
        for (Step step : result.getSteps()) {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("kind", step.getKind().name());
            view.put("name", step.getName());
            putIfPresent(view, "detail", step.getDetail());
            steps.add(view);
        }
        content.put("steps", steps);
        return content;
    }

    private static void putIfPresent(Map<String, Object> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private static String toJson(Map<String, Object> content) {
        try {
            return JSON.writeValueAsString(content);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot render audit content", e);
        }
    }

    /** Redacts field after field and keeps the running total. */
    private static final class Counter {
        private int total;

        String redact(String text) {
            Redaction redaction = EmailRedactor.redact(text);
            total += redaction.count();
            return redaction.text();
        }
    }
}
