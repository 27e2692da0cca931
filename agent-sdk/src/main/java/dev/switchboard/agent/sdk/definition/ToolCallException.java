package dev.switchboard.agent.sdk.definition;

/** A tool call that did not work: bad arguments or a failing tool. The message is written for the model. */
public class ToolCallException extends RuntimeException {

    public ToolCallException(String message) {
        super(message);
    }

    public ToolCallException(String message, Throwable cause) {
        super(message, cause);
    }
}
