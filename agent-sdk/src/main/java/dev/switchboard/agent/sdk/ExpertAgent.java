package dev.switchboard.agent.sdk;

/**
 * An expert agent: the class annotated with {@link Agent}. It only says how the model should behave; the
 * runtime supplies the model loop, tool access, permissions and limits.
 */
public interface ExpertAgent {

    /** The system instructions the model receives on every call of this agent's loop. */
    String instructions();
}
