package dev.switchboard.compliance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.avro.specific.SpecificRecord;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.compliance.policy.TextPolicy;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Failure;
import dev.switchboard.events.Handoff;
import dev.switchboard.events.Outcome;
import dev.switchboard.events.Step;
import dev.switchboard.events.SupervisorDecision;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.events.TurnRejected;
import dev.switchboard.schemas.Envelopes;

/**
 * Turns a raw event into its cleared form under the tenant's policy: every free-text field goes through the
 * {@link TextPolicy} (personal data redacted, masked, hashed or allowed; user text and tool outputs screened for
 * injected instructions), a new envelope is derived with step {@value #STEP}, and the cleared content is
 * rendered for the audit trail with what was found. A blocked turn becomes a {@link TurnRejected} with the
 * reason and no content; a blocked agent result a failure without content. No I/O, no state.
 *
 * <p>Records are rebuilt field by field rather than with Avro's copying builders, which resolve nested
 * classes through the thread's context class loader.
 */
public final class EventRedactor {

    /** The step name given to {@link Envelopes#derive}: a redelivered raw event gets the same cleared id. */
    public static final String STEP = "cleared";
    /** The failure code of an agent result the policy blocked. */
    public static final String BLOCKED_RESULT = "blocked_by_policy";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventRedactor() {
    }

    /** A cleared turn, or its rejection when the policy blocks it ({@link Cleared#event()} is then a TurnRejected). */
    public static Cleared<SpecificRecord> clear(TurnReceived raw, TextPolicy policy) {
        String text = policy.userText(raw.getText());
        TextPolicy.Verdict verdict = policy.verdict();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("text", text);
        SpecificRecord event;
        if (verdict.decision() == TextPolicy.Decision.BLOCKED) {
            event = TurnRejected.newBuilder()
                    .setEnvelope(Envelopes.derive(raw.getEnvelope(), STEP))
                    .setReasonCode(verdict.reason())
                    .setReason(RejectionReasons.forUser(verdict.reason()))
                    .build();
        } else {
            event = TurnReceived.newBuilder()
                    .setEnvelope(Envelopes.derive(raw.getEnvelope(), STEP))
                    .setChannelMessageId(raw.getChannelMessageId())
                    .setText(text)
                    .build();
        }
        return cleared(event, content, verdict);
    }

    public static Cleared<AgentResult> clear(AgentResult raw, TextPolicy policy) {
        Handoff handoff = raw.getHandoff() == null ? null : Handoff.newBuilder()
                .setTarget(raw.getHandoff().getTarget())
                .setReason(policy.scrub(raw.getHandoff().getReason()))
                .setContext(policy.scrub(raw.getHandoff().getContext()))
                .build();
        Failure failure = raw.getFailure() == null ? null : Failure.newBuilder()
                .setCode(raw.getFailure().getCode())
                .setMessage(policy.scrub(raw.getFailure().getMessage()))
                .build();
        List<Step> steps = new ArrayList<>(raw.getSteps().size());
        for (Step step : raw.getSteps()) {
            steps.add(Step.newBuilder()
                    .setKind(step.getKind())
                    .setName(step.getName())
                    .setDetail(policy.scrub(step.getDetail()))
                    .setDurationMillis(step.getDurationMillis())
                    .setOutput(policy.toolOutput(step.getOutput()))
                    .build());
        }
        String reply = policy.scrub(raw.getReply());
        String escalation = policy.scrub(raw.getEscalation());
        TextPolicy.Verdict verdict = policy.verdict();
        boolean blocked = verdict.decision() == TextPolicy.Decision.BLOCKED;
        AgentResult cleared = AgentResult.newBuilder()
                .setEnvelope(Envelopes.derive(raw.getEnvelope(), STEP))
                .setTaskId(raw.getTaskId())
                .setAgent(raw.getAgent())
                .setOutcome(blocked ? Outcome.FAILURE : raw.getOutcome())
                .setReply(blocked ? null : reply)
                .setHandoff(blocked ? null : handoff)
                .setEscalation(blocked ? null : escalation)
                .setFailure(blocked ? new Failure(BLOCKED_RESULT, verdict.reason()) : failure)
                .setUsage(raw.getUsage())
                .setSteps(blocked ? stepsWithoutContent(steps) : steps)
                .setModel(raw.getModel())
                // The supervisor follows a result only with its task's ticket (checked against the task above).
                .setTicket(raw.getTicket())
                .build();
        return cleared(cleared, auditContent(cleared), verdict);
    }

    /**
     * What the audit trail keeps of a supervisor decision, which is not re-published: its detail. The detail
     * is written for people and is meant never to quote a message, but it goes through the policy all the
     * same, so that no audit row depends on another service keeping that promise. Kind, code, agent and task
     * have columns of their own.
     */
    public static AuditContent auditContent(SupervisorDecision decision, TextPolicy policy) {
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("detail", policy.scrub(decision.getDetail()));
        return new AuditContent(toJson(content), policy.verdict().changed());
    }

    /**
     * Content for an audit row of an event that has no cleared form.
     *
     * @param json       the cleared content as a JSON document
     * @param redactions how many values were replaced
     */
    public record AuditContent(String json, int redactions) {
    }

    private static <T> Cleared<T> cleared(T event, Map<String, Object> content, TextPolicy.Verdict verdict) {
        if (!verdict.found().isEmpty()) {
            content.put("found", new TreeMap<>(verdict.found()));
        }
        if (!verdict.signals().isEmpty()) {
            content.put("injectionSignals", verdict.signals());
        }
        if (verdict.reason() != null) {
            content.put("reason", verdict.reason());
        }
        return new Cleared<>(event, toJson(content), verdict.changed(), verdict.decision().name());
    }

    /** The steps of a blocked result: what happened, without any text a tool or model produced. */
    private static List<Step> stepsWithoutContent(List<Step> steps) {
        return steps.stream().map(step -> Step.newBuilder().setKind(step.getKind()).setName(step.getName())
                .setDetail(null).setDurationMillis(step.getDurationMillis()).setOutput(null).build()).toList();
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
            putIfPresent(view, "output", step.getOutput());
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
}
