package dev.switchboard.gateway.channels.platforms;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.gateway.channels.DeliveryException;

/** JSON bodies of webhooks and send APIs. */
final class JsonBodies {

    private JsonBodies() {
    }

    /** A webhook body; {@link IllegalArgumentException} if it is not a JSON object. */
    static JsonNode webhook(ObjectMapper json, byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("body is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed JSON", e);
        }
    }

    /**
     * A send API's answer. A 2xx answer that cannot be read is a permanent failure: retrying could send
     * the message twice.
     */
    static JsonNode answer(ObjectMapper json, String body, String platform) throws DeliveryException {
        try {
            JsonNode root = json.readTree(body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
            if (root == null || !root.isObject()) {
                throw DeliveryException.permanent(platform + " answered without a JSON object: " + body);
            }
            return root;
        } catch (IOException e) {
            throw DeliveryException.permanent(platform + " answered malformed JSON: " + body);
        }
    }

    static String write(ObjectMapper json, Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A non-blank field, or {@link IllegalArgumentException}. */
    static String required(JsonNode node, String field) {
        String value = node.path(field).asText("");
        if (value.isBlank()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return value;
    }
}
