package dev.switchboard.agent.model.providers;

import java.util.List;

import dev.switchboard.agent.sdk.model.ChatMessage;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.model.ToolCall;
import dev.switchboard.agent.sdk.model.ToolSpec;

/** A support conversation in the middle of a tool round trip, shared by the adapters' tests. */
final class Conversations {

    static final String ORDER_SCHEMA = """
            {"type":"object","properties":{"order_id":{"type":"string","pattern":"^[A-Z]-\\\\d+$"}},\
            "required":["order_id"],"additionalProperties":false}""";

    static final ToolCall LOOKUP = new ToolCall("call_1", "lookup_order", "{\"order_id\":\"A-1042\"}");

    private Conversations() {
    }

    static ModelRequest afterToolResult() {
        return new ModelRequest("You are the concierge of ACME.", List.of(
                ChatMessage.user("Where is my order A-1042?"),
                ChatMessage.assistant("", List.of(LOOKUP)),
                ChatMessage.toolResult(LOOKUP, "{\"status\":\"shipped\"}")),
                List.of(new ToolSpec("lookup_order", "Finds an order by id.", ORDER_SCHEMA)), 256);
    }

    static ModelRequest question() {
        return new ModelRequest("You are the concierge of ACME.", List.of(ChatMessage.user("Hello?")), List.of(), 0);
    }
}
