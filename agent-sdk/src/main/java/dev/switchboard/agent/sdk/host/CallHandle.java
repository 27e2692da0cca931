package dev.switchboard.agent.sdk.host;

import dev.switchboard.agent.sdk.Effect;
import dev.switchboard.agent.sdk.HttpEgress;
import dev.switchboard.agent.sdk.Principal;

import java.util.Map;

/** The runtime's handle on one tool call, behind a {@link dev.switchboard.agent.sdk.ToolContext}. */
public interface CallHandle {

    Principal principal();

    String sessionId();

    String taskId();

    int step();

    /** Runs the effect if the runtime allows it now, or returns the result it recorded for the same key. */
    <T> T perform(Class<T> resultType, Effect<T> effect);

    /** The tool's declared egress name; refused when it declares none. */
    String egress();

    /** Sends a request to the tool's egress through the runtime. */
    HttpEgress.Response http(String method, String path, Map<String, String> headers, String body);
}
