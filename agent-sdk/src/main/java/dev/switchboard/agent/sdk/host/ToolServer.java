package dev.switchboard.agent.sdk.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.sdk.EffectRefusedException;
import dev.switchboard.agent.sdk.ExpertAgent;
import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.ToolContext;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.ToolCallException;
import dev.switchboard.agent.sdk.definition.ToolDefinition;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The tool process: runs one agent's code for the host ({@link ToolProcess}) and nothing else. It makes
 * one agent instance per task, runs each tool call on a worker thread alone in its thread group, is
 * interrupted when the host cancels a call, and cuts a result to the size the host allows. A tool that
 * leaves threads running after it returns ends this process: the host starts a fresh one.
 *
 * <p>Standard output is the protocol channel; whatever agent code prints goes to standard error.
 */
public final class ToolServer {

    /** The exit status when a tool left threads running. */
    static final int LEFT_THREADS = 70;
    private static final int MAX_LINE_BYTES = 1 << 20;
    private static final int MAX_TASKS = 10_000;

    private final AgentDefinition definition;
    private final int maxOutputChars;
    private final Map<String, ExpertAgent> agentsByTask = Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, ExpertAgent> eldest) {
                    return size() > MAX_TASKS;
                }
            });
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
    private final AtomicInteger workerNumbers = new AtomicInteger();
    /** Each worker thread in a thread group of its own; idle workers end after a minute. */
    private final ExecutorService workers = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
            new SynchronousQueue<>(), task -> {
                int number = workerNumbers.incrementAndGet();
                Thread thread = new Thread(new ThreadGroup("agent-call-" + number), task, "agent-call-" + number);
                thread.setDaemon(true);
                return thread;
            });
    private JsonRpcChannel channel;

    private ToolServer(AgentDefinition definition, int maxOutputChars) {
        this.definition = definition;
        this.maxOutputChars = maxOutputChars;
    }

    /** Arguments: the agent class, the most characters of a tool result. */
    public static void main(String[] args) throws Exception {
        OutputStream protocol = new FileOutputStream(FileDescriptor.out);
        System.setOut(new PrintStream(new FileOutputStream(FileDescriptor.err), true));
        AgentDefinition definition = AgentDefinition.of(Class.forName(args[0]));
        ToolServer server = new ToolServer(definition, Integer.parseInt(args[1]));
        server.channel = new JsonRpcChannel(System.in, protocol, MAX_LINE_BYTES, server.new Handler())
                .start("tool-server-reader");
        server.channel.closed().join();
        Runtime.getRuntime().halt(0);
    }

    private final class Handler implements JsonRpcChannel.Handler {

        @Override
        public CompletableFuture<JsonNode> request(long id, String method, JsonNode params) {
            return switch (method) {
                case Protocol.INITIALIZE -> runGuarded("instructions", () -> initializeResult());
                case Protocol.TOOLS_LIST -> CompletableFuture.completedFuture(toolsList());
                case Protocol.TOOLS_CALL -> call(id, params);
                default -> CompletableFuture.failedFuture(new JsonRpcChannel.RpcException(
                        JsonRpcChannel.METHOD_NOT_FOUND, "Unknown method " + method));
            };
        }

        @Override
        public void notification(String method, JsonNode params) {
            if (Protocol.CANCELLED.equals(method)) {
                Running call = running.get(params.path("requestId").asLong());
                if (call != null) {
                    call.cancel();
                }
            } else if (Protocol.TASK_ENDED.equals(method)) {
                agentsByTask.remove(params.path("tenant").asText() + "/" + params.path("taskId").asText());
            }
        }
    }

    private JsonNode initializeResult() {
        ObjectNode result = JsonRpcChannel.MAPPER.createObjectNode().put("protocolVersion", Protocol.MCP_VERSION);
        result.putObject("capabilities").putObject("tools");
        result.putObject("serverInfo").put("name", definition.id()).put("version", "1");
        result.put("instructions", definition.newAgent().instructions());
        return result;
    }

    private JsonNode toolsList() {
        ObjectNode result = JsonRpcChannel.MAPPER.createObjectNode();
        ArrayNode tools = result.putArray("tools");
        for (ToolDefinition tool : definition.tools()) {
            ObjectNode entry = tools.addObject().put("name", tool.name()).put("description", tool.description());
            try {
                entry.set("inputSchema", JsonRpcChannel.MAPPER.readTree(tool.spec().parametersJsonSchema()));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return result;
    }

    private CompletableFuture<JsonNode> call(long id, JsonNode params) {
        String name = params.path("name").asText();
        ToolDefinition tool = definition.tool(name).orElse(null);
        JsonNode meta = params.path("_meta").path(Protocol.CALL_META);
        if (tool == null || !meta.isObject()) {
            return CompletableFuture.failedFuture(new JsonRpcChannel.RpcException(JsonRpcChannel.INVALID_PARAMS,
                    tool == null ? "Unknown tool " + name : "A tool call needs the runtime's call metadata"));
        }
        RemoteCall call = new RemoteCall(channel, meta.path("callId").asText(),
                new Principal(meta.path("tenant").asText(), meta.path("user").asText()),
                meta.path("sessionId").asText(null), meta.path("taskId").asText(), meta.path("step").asInt(), tool);
        String arguments = params.path("arguments").toString();
        String taskKey = call.principal().tenant() + "/" + call.taskId();
        CompletableFuture<JsonNode> answer = runGuarded(name, () -> {
            ExpertAgent agent = agentsByTask.computeIfAbsent(taskKey, k -> definition.newAgent());
            ToolContext context = Contexts.create(call);
            try {
                return toolResult(tool.call(agent, arguments, context), false);
            } catch (ToolCallException e) {
                return toolResult("Error: " + e.getMessage(), true);
            }
        }, id);
        return answer;
    }

    private CompletableFuture<JsonNode> runGuarded(String what, java.util.function.Supplier<JsonNode> work) {
        return runGuarded(what, work, -1);
    }

    /** A call being run: its worker, and whether it may still be interrupted. */
    private static final class Running {
        private Thread worker;
        private boolean done;

        synchronized void start(Thread thread) {
            worker = thread;
        }

        /** Interrupts the call's thread and any thread it started, unless the call is over. */
        synchronized void cancel() {
            if (!done && worker != null) {
                worker.getThreadGroup().interrupt();
            }
        }

        /** Ends the call; an interrupt meant for it does not reach the worker's next call. */
        synchronized void finish() {
            done = true;
            Thread.interrupted();
        }
    }

    /**
     * Runs agent code on a worker thread that is alone in its thread group, so that any thread the code
     * starts is found. When the code returns and threads it started are still alive, the answer is an error
     * and this process ends, so that none outlives the call. Workers are reused across calls.
     */
    private CompletableFuture<JsonNode> runGuarded(String what, java.util.function.Supplier<JsonNode> work,
                                                   long requestId) {
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        Running call = new Running();
        if (requestId >= 0) {
            running.put(requestId, call);
        }
        workers.execute(() -> {
            call.start(Thread.currentThread());
            JsonNode result;
            try {
                result = work.get();
            } catch (EffectRefusedException e) {
                result = toolResult("Error: " + e.getMessage(), true);
            } catch (RuntimeException | Error e) {
                result = null;
                answer.completeExceptionally(new JsonRpcChannel.RpcException(JsonRpcChannel.INTERNAL_ERROR,
                        "Agent code failed in " + what + ": " + e));
            } finally {
                call.finish();
                running.remove(requestId);
            }
            if (leftThreads(Thread.currentThread().getThreadGroup())) {
                System.err.println("Agent code in " + what + " left threads running; the tool process ends");
                answer.completeExceptionally(new JsonRpcChannel.RpcException(JsonRpcChannel.INTERNAL_ERROR,
                        "Tool '" + what + "' left threads running after it returned; the runtime ended them"));
                sleepQuietly(100);
                Runtime.getRuntime().halt(LEFT_THREADS);
            }
            if (result != null) {
                answer.complete(result);
            }
        });
        return answer;
    }

    private static boolean leftThreads(ThreadGroup group) {
        for (int wait = 0; wait < 5; wait++) {
            Thread[] threads = new Thread[group.activeCount() + 1];
            int count = group.enumerate(threads);
            boolean others = false;
            for (int i = 0; i < count; i++) {
                others |= threads[i] != Thread.currentThread() && threads[i].isAlive();
            }
            if (!others) {
                return false;
            }
            sleepQuietly(20);
        }
        return true;
    }

    private JsonNode toolResult(String text, boolean error) {
        ObjectNode result = JsonRpcChannel.MAPPER.createObjectNode();
        String shown = text.length() > maxOutputChars ? text.substring(0, maxOutputChars) : text;
        result.putArray("content").addObject().put("type", "text").put("text", shown);
        result.put("isError", error);
        result.putObject("_meta").put(Protocol.LENGTH_META, text.length());
        return result;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
