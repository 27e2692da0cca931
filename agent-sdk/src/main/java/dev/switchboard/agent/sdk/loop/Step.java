package dev.switchboard.agent.sdk.loop;

/**
 * One step of an agent loop, for the audit trail.
 *
 * @param kind           what happened
 * @param name           the model id for a model call, the tool name for a tool call or denial
 * @param detail         a short description: token counts, "ok", the error, or why a call was denied
 * @param durationMillis how long the step took
 * @param output         what a tool returned to the model (null for other steps): compliance screens it for
 *                       injected instructions and personal data before anyone else sees the result
 */
public record Step(Kind kind, String name, String detail, long durationMillis, String output) {

    /** A step without tool output. */
    public Step(Kind kind, String name, String detail, long durationMillis) {
        this(kind, name, detail, durationMillis, null);
    }

    /** What happened in a step. */
    public enum Kind { MODEL_CALL, TOOL_CALL, TOOL_DENIED }
}
