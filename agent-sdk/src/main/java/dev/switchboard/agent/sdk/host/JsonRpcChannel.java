package dev.switchboard.agent.sdk.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JSON-RPC 2.0 over a pair of streams, one message per line, as MCP's stdio transport speaks it. Both sides
 * send requests: the host calls tools, the tool process asks the host for effects and egress. A line longer
 * than the limit closes the channel, so the other side cannot make this one buffer without bound.
 */
final class JsonRpcChannel {

    /** Keeps decimals as written ({@code 12.50} stays {@code 12.50}), so arguments reach tools unchanged. */
    static final ObjectMapper MAPPER = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** JSON-RPC error codes used here. */
    static final int INVALID_PARAMS = -32602;
    static final int METHOD_NOT_FOUND = -32601;
    static final int INTERNAL_ERROR = -32603;
    /** The runtime refused what the tool asked for (an effect, an egress request). */
    static final int REFUSED = -32001;

    /** An error answer, from either side. */
    static final class RpcException extends RuntimeException {
        final int code;

        RpcException(int code, String message) {
            super(message);
            this.code = code;
        }
    }

    /** The channel closed before the answer came. */
    static final class ClosedException extends RuntimeException {
        ClosedException(String message) {
            super(message);
        }
    }

    /** Answers the other side's requests and notifications. */
    interface Handler {
        /** The result of a request; complete it exceptionally with an {@link RpcException} to answer an error. */
        CompletableFuture<JsonNode> request(long id, String method, JsonNode params);

        void notification(String method, JsonNode params);
    }

    /** A request sent, with its id (to cancel it) and its answer. */
    record Pending(long id, CompletableFuture<JsonNode> answer) {
    }

    private final InputStream in;
    private final OutputStream out;
    private final int maxLineBytes;
    private final Handler handler;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    JsonRpcChannel(InputStream in, OutputStream out, int maxLineBytes, Handler handler) {
        this.in = in;
        this.out = out;
        this.maxLineBytes = maxLineBytes;
        this.handler = handler;
    }

    /** Starts reading on a daemon thread of its own. */
    JsonRpcChannel start(String threadName) {
        Thread reader = new Thread(this::readLoop, threadName);
        reader.setDaemon(true);
        reader.start();
        return this;
    }

    /** Completes with the reason when the channel closes. */
    CompletableFuture<String> closed() {
        return closed;
    }

    Pending request(String method, JsonNode params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        answer.whenComplete((r, e) -> pending.remove(id));
        if (closed.isDone()) {
            answer.completeExceptionally(new ClosedException(closed.getNow("closed")));
            return new Pending(id, answer);
        }
        ObjectNode message = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
        message.set("params", params);
        try {
            send(message);
        } catch (UncheckedIOException e) {
            answer.completeExceptionally(new ClosedException("cannot write: " + e.getCause().getMessage()));
        }
        return new Pending(id, answer);
    }

    void notify(String method, JsonNode params) {
        ObjectNode message = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("method", method);
        message.set("params", params);
        try {
            send(message);
        } catch (UncheckedIOException e) {
            // the reader notices the closed stream and fails what is pending
        }
    }

    private synchronized void send(ObjectNode message) {
        try {
            out.write(MAPPER.writeValueAsBytes(message));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void readLoop() {
        String reason = "the other side closed the channel";
        try {
            byte[] line;
            while ((line = readLine()) != null) {
                if (line.length > 0) {
                    dispatch(MAPPER.readTree(line));
                }
            }
        } catch (IOException | RuntimeException e) {
            reason = e.getMessage() == null ? e.toString() : e.getMessage();
        }
        closed.complete(reason);
        for (CompletableFuture<JsonNode> answer : pending.values()) {
            answer.completeExceptionally(new ClosedException(reason));
        }
    }

    private byte[] readLine() throws IOException {
        ByteArrayOutputStream partial = null;
        while (true) {
            if (position == limit) {
                limit = Math.max(0, in.read(buffer));
                position = 0;
                if (limit == 0) {
                    return partial == null || partial.size() == 0 ? null : partial.toByteArray();
                }
            }
            for (int i = position; i < limit; i++) {
                if (buffer[i] == '\n') {
                    byte[] line;
                    if (partial == null) {
                        line = java.util.Arrays.copyOfRange(buffer, position, i);
                    } else {
                        partial.write(buffer, position, i - position);
                        line = partial.toByteArray();
                    }
                    position = i + 1;
                    if (line.length > maxLineBytes) {
                        throw new IOException("a message was longer than " + maxLineBytes + " bytes");
                    }
                    return line;
                }
            }
            if (partial == null) {
                partial = new ByteArrayOutputStream(2 * (limit - position));
            }
            partial.write(buffer, position, limit - position);
            position = limit;
            if (partial.size() > maxLineBytes) {
                throw new IOException("a message was longer than " + maxLineBytes + " bytes");
            }
        }
    }

    private void dispatch(JsonNode message) {
        JsonNode id = message.get("id");
        String method = message.path("method").asText(null);
        if (method == null) {
            CompletableFuture<JsonNode> answer = id == null ? null : pending.get(id.asLong());
            if (answer != null) {
                JsonNode error = message.get("error");
                if (error != null) {
                    answer.completeExceptionally(new RpcException(error.path("code").asInt(INTERNAL_ERROR),
                            error.path("message").asText("error")));
                } else {
                    answer.complete(message.path("result"));
                }
            }
            return;
        }
        JsonNode params = message.path("params");
        if (id == null) {
            handler.notification(method, params);
            return;
        }
        long requestId = id.asLong();
        CompletableFuture<JsonNode> result;
        try {
            result = handler.request(requestId, method, params);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        result.whenComplete((value, error) -> answer(requestId, value, error));
    }

    private void answer(long id, JsonNode value, Throwable error) {
        ObjectNode message = MAPPER.createObjectNode().put("jsonrpc", "2.0").put("id", id);
        if (error == null) {
            message.set("result", value == null ? MAPPER.createObjectNode() : value);
        } else {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            int code = cause instanceof RpcException rpc ? rpc.code : INTERNAL_ERROR;
            message.putObject("error").put("code", code).put("message", String.valueOf(cause.getMessage()));
        }
        try {
            send(message);
        } catch (UncheckedIOException e) {
            // closed: the reader fails what is pending
        }
    }
}
