package dev.switchboard.agent.sdk.definition;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.ToolContext;
import dev.switchboard.agent.sdk.model.ToolSpec;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Objects;

/**
 * One tool of an agent: its spec as the model sees it, the scope it needs, and how to call it with the
 * model's JSON arguments.
 */
public final class ToolDefinition {

    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** A parameter of the tool method: a model argument (with a name) or the tool context (name null). */
    record Parameter(String name, String description, Type type) {
        boolean isContext() {
            return name == null;
        }
    }

    private final String name;
    private final String description;
    private final String scope;
    private final boolean sideEffects;
    private final String egress;
    private final Method method;
    private final List<Parameter> parameters;
    private final ToolSpec spec;

    ToolDefinition(String name, String description, String scope, boolean sideEffects, String egress, Method method,
                   List<Parameter> parameters) {
        this.name = name;
        this.description = description;
        this.scope = scope;
        this.sideEffects = sideEffects;
        this.egress = egress;
        this.method = method;
        this.parameters = List.copyOf(parameters);
        this.spec = new ToolSpec(name, description, parametersSchema());
    }

    public String name() {
        return name;
    }

    public String description() {
        return description;
    }

    /** The scope a task must grant for this tool, or null when it needs none. */
    public String scope() {
        return scope;
    }

    public boolean sideEffects() {
        return sideEffects;
    }

    /** The outside service the tool may reach through the runtime, or null when it reaches none. */
    public String egress() {
        return egress;
    }

    /** The tool as the model sees it, with the JSON schema of its arguments. */
    public ToolSpec spec() {
        return spec;
    }

    /**
     * Calls the tool on {@code agent} with the model's JSON arguments.
     *
     * @return what to tell the model: a String result as it is, anything else as JSON
     * @throws ToolCallException when the arguments do not fit the parameters or the tool throws; its message
     *                           is written for the model
     */
    public String call(ExpertAgent agent, String argumentsJson, ToolContext context) {
        Object[] arguments = bind(argumentsJson, context);
        Object result;
        try {
            result = method.invoke(agent, arguments);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new ToolCallException("Tool '" + name + "' failed: " + Objects.toString(cause.getMessage(),
                    cause.getClass().getSimpleName()), cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Tool method is not accessible: " + method, e);
        }
        if (result == null) {
            return method.getReturnType() == void.class ? "ok" : "null";
        }
        if (result instanceof String text) {
            return text;
        }
        try {
            return MAPPER.writeValueAsString(result);
        } catch (JsonProcessingException e) {
            throw new ToolCallException("Tool '" + name + "' returned a result that cannot be written as JSON", e);
        }
    }

    private Object[] bind(String argumentsJson, ToolContext context) {
        JsonNode arguments;
        try {
            arguments = MAPPER.readTree(argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson);
        } catch (JsonProcessingException e) {
            throw new ToolCallException("Invalid arguments for tool '" + name + "': not valid JSON ("
                    + e.getOriginalMessage() + ")", e);
        }
        if (!arguments.isObject()) {
            throw new ToolCallException("Invalid arguments for tool '" + name + "': expected a JSON object");
        }
        Object[] values = new Object[parameters.size()];
        for (int i = 0; i < values.length; i++) {
            Parameter parameter = parameters.get(i);
            if (parameter.isContext()) {
                values[i] = context;
                continue;
            }
            JsonNode value = arguments.get(parameter.name());
            if (value == null || value.isNull()) {
                throw new ToolCallException("Invalid arguments for tool '" + name + "': missing argument '"
                        + parameter.name() + "'");
            }
            try {
                values[i] = MAPPER.readerFor(MAPPER.constructType(parameter.type())).readValue(value);
            } catch (java.io.IOException e) {
                String detail = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
                throw new ToolCallException("Invalid arguments for tool '" + name + "': argument '"
                        + parameter.name() + "' does not fit (" + detail + ")", e);
            }
        }
        return values;
    }

    private String parametersSchema() {
        ObjectNode schema = MAPPER.createObjectNode();
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = schema.putArray("required");
        for (Parameter parameter : parameters) {
            if (parameter.isContext()) {
                continue;
            }
            ObjectNode property = JsonSchemas.schema(MAPPER, parameter.type());
            if (!parameter.description().isEmpty()) {
                property.put("description", parameter.description());
            }
            properties.set(parameter.name(), property);
            required.add(parameter.name());
        }
        schema.put("additionalProperties", false);
        return schema.toString();
    }

    static boolean isContextType(Type type) {
        return type == ToolContext.class;
    }
}
