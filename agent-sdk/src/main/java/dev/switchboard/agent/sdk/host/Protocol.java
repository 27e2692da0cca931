package dev.switchboard.agent.sdk.host;

/**
 * What host and tool process say to each other: the MCP subset for tools ({@code initialize},
 * {@code tools/list}, {@code tools/call}, {@code notifications/cancelled}) plus the runtime's own methods,
 * named under {@code switchboard/}. A tool call carries the runtime's call id and task in its
 * {@code _meta} under {@link #CALL_META}; every effect and egress request names that call id, and the host
 * answers only for calls it is running.
 */
final class Protocol {

    static final String MCP_VERSION = "2025-06-18";

    static final String INITIALIZE = "initialize";
    static final String INITIALIZED = "notifications/initialized";
    static final String TOOLS_LIST = "tools/list";
    static final String TOOLS_CALL = "tools/call";
    static final String CANCELLED = "notifications/cancelled";

    /** Host to tool process: drop what the agent kept for a task. */
    static final String TASK_ENDED = "switchboard/taskEnded";
    /** Tool process to host: may this call perform an effect now? Answers its key and any recorded result. */
    static final String EFFECT_BEGIN = "switchboard/effect.begin";
    /** Tool process to host: the effect was done; here is its result. */
    static final String EFFECT_END = "switchboard/effect.end";
    /** Tool process to host: the effect failed; nothing to record. */
    static final String EFFECT_ABORT = "switchboard/effect.abort";
    /** Tool process to host: send this request to the call's egress. */
    static final String HTTP = "switchboard/http";

    static final String CALL_META = "dev.switchboard/call";
    static final String LENGTH_META = "dev.switchboard/length";

    private Protocol() {
    }
}
