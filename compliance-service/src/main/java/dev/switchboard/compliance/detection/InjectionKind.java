package dev.switchboard.compliance.detection;

/** The families of prompt-injection patterns that {@link InjectionScreen} recognises. */
public enum InjectionKind {
    /** The text tries to cancel or replace the instructions the model was given. */
    INSTRUCTION_OVERRIDE,
    /** The text poses as the system or developer, or asks the model to become an unrestricted persona. */
    SYSTEM_ROLE_PLAY,
    /** The text asks for the system prompt, tools or secrets, or to send data to an outside address. */
    EXFILTRATION,
    /** The text carries content a human reader does not see: invisible characters, comments, encoded blobs. */
    HIDDEN_TEXT
}
