package dev.switchboard.agent.sdk;

import dev.switchboard.agent.sdk.host.CallHandle;

import java.util.Map;
import java.util.Objects;

/**
 * HTTP to one declared egress, sent by the runtime. Paths are relative to the base URL the operator
 * configured ({@code /orders/42}); a path that leaves it (a full URL, {@code ..}) is refused.
 */
public final class HttpEgress {

    /** An HTTP response: status and body as text (at most 1 MB). */
    public record Response(int status, String body) {
    }

    private final CallHandle call;
    private final String egress;

    HttpEgress(CallHandle call, String egress) {
        this.call = Objects.requireNonNull(call, "call");
        this.egress = Objects.requireNonNull(egress, "egress");
    }

    /** The name of the egress, as declared on the tool. */
    public String name() {
        return egress;
    }

    public Response get(String path) {
        return call.http("GET", path, Map.of(), null);
    }

    /**
     * A request with a body; allowed only inside {@link ToolContext#perform}, and sent with the effect's key
     * as the {@code Idempotency-Key} header.
     */
    public Response send(String method, String path, String contentType, String body) {
        return call.http(method, path, contentType == null ? Map.of() : Map.of("Content-Type", contentType), body);
    }
}
