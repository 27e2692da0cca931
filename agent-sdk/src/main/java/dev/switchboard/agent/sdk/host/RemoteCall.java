package dev.switchboard.agent.sdk.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.sdk.Effect;
import dev.switchboard.agent.sdk.EffectRefusedException;
import dev.switchboard.agent.sdk.HttpEgress;
import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.definition.ToolDefinition;

import java.util.Map;
import java.util.concurrent.ExecutionException;

/** One tool call as the tool process sees it: every effect and egress request is asked of the host. */
final class RemoteCall implements CallHandle {

    private static final ObjectMapper MAPPER = JsonRpcChannel.MAPPER.copy()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final JsonRpcChannel channel;
    private final String callId;
    private final Principal principal;
    private final String sessionId;
    private final String taskId;
    private final int step;
    private final ToolDefinition tool;

    RemoteCall(JsonRpcChannel channel, String callId, Principal principal, String sessionId, String taskId, int step,
               ToolDefinition tool) {
        this.channel = channel;
        this.callId = callId;
        this.principal = principal;
        this.sessionId = sessionId;
        this.taskId = taskId;
        this.step = step;
        this.tool = tool;
    }

    @Override
    public Principal principal() {
        return principal;
    }

    @Override
    public String sessionId() {
        return sessionId;
    }

    @Override
    public String taskId() {
        return taskId;
    }

    @Override
    public int step() {
        return step;
    }

    @Override
    public <T> T perform(Class<T> resultType, Effect<T> effect) {
        JsonNode begun = ask(Protocol.EFFECT_BEGIN, params());
        String key = begun.path("key").asText();
        try {
            if (begun.hasNonNull("recorded")) {
                return MAPPER.treeToValue(begun.get("recorded"), resultType);
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("The recorded result of effect " + key + " does not fit "
                    + resultType.getSimpleName(), e);
        }
        T result;
        try {
            result = effect.run(key);
        } catch (Exception | Error e) {
            channel.notify(Protocol.EFFECT_ABORT, params().put("key", key));
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getMessage(), e);
        }
        ObjectNode end = params().put("key", key);
        end.set("result", MAPPER.valueToTree(result));
        ask(Protocol.EFFECT_END, end);
        return result;
    }

    @Override
    public String egress() {
        if (tool.egress() == null) {
            throw new EffectRefusedException("Tool '" + tool.name() + "' declares no egress; declare "
                    + "@Tool(egress = \"name\") to reach an outside service");
        }
        return tool.egress();
    }

    @Override
    public HttpEgress.Response http(String method, String path, Map<String, String> headers, String body) {
        egress();
        ObjectNode request = params().put("method", method).put("path", path).put("body", body);
        ObjectNode headerNode = request.putObject("headers");
        headers.forEach(headerNode::put);
        JsonNode answer = ask(Protocol.HTTP, request);
        return new HttpEgress.Response(answer.path("status").asInt(), answer.path("body").asText());
    }

    private ObjectNode params() {
        return MAPPER.createObjectNode().put("callId", callId);
    }

    private JsonNode ask(String method, ObjectNode params) {
        try {
            return channel.request(method, params).answer().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EffectRefusedException("Tool '" + tool.name() + "' was cancelled: the task's deadline passed");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new EffectRefusedException(cause.getMessage());
        }
    }
}
