package dev.switchboard.agent.model.providers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.switchboard.agent.sdk.model.ModelException;
import dev.switchboard.agent.sdk.model.ToolSpec;

/** A tool's argument schema as JSON, passed to the provider as written. */
final class ToolSchemas {

    private ToolSchemas() {
    }

    static JsonNode parse(ToolSpec tool) {
        String schema = tool.parametersJsonSchema();
        if (schema == null || schema.isBlank()) {
            return ProviderHttp.JSON.createObjectNode().put("type", "object").set("properties",
                    ProviderHttp.JSON.createObjectNode());
        }
        try {
            JsonNode node = ProviderHttp.JSON.readTree(schema);
            if (!node.isObject()) {
                throw new ModelException("tool " + tool.name() + " has a schema that is not a JSON object", false);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new ModelException("tool " + tool.name() + " has an invalid JSON schema: " + e.getOriginalMessage(),
                    false, e);
        }
    }
}
