package dev.switchboard.agent.sdk.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.ToolDefinition;
import dev.switchboard.agent.sdk.loop.ToolRunner;
import dev.switchboard.agent.sdk.Principal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * Runs one agent's code in a JVM of its own ({@link ToolServer}) and speaks to it over its standard streams.
 * The process gets no environment variables, an empty working directory, a heap limit, one processor, and,
 * where Linux user namespaces allow it, no network at all: its only way out is the host, which answers an
 * effect or an egress request only for a call it is running, before that call's deadline. A call that passes
 * its deadline is cancelled (the tool's thread is interrupted), its late result discarded, and when the
 * process does not let go within a grace period it is killed. A process that ends (an exit, a crash, a tool
 * that left threads behind) is started again for the next call.
 */
public final class ToolProcess implements ToolRunner {

    private static final System.Logger LOG = System.getLogger(ToolProcess.class.getName());
    private static final int MAX_LINE_BYTES = 1 << 20;

    /** Whether the tool process runs without a network of its own. */
    public enum Network {
        /** In an empty network namespace when the machine allows it, otherwise with a warning. */
        AUTO,
        /** In an empty network namespace, or not at all. */
        ISOLATED,
        /** With the host's network (the checks at build and start still refuse network APIs). */
        SHARED
    }

    /**
     * How tool processes are started.
     *
     * @param classpath      what the tool process loads: the agent's module, the SDK and its dependencies
     * @param maxHeapMb      the tool process's heap limit
     * @param maxOutputChars the most characters of a tool result the model reads; the rest is cut
     * @param network        whether the process gets a network
     * @param egress         the agent's egress names and where they go
     * @param cancelGrace    how long a cancelled call may take to stop before the process is killed
     * @param startTimeout   how long a new process may take to answer
     */
    public record Options(List<Path> classpath, int maxHeapMb, int maxOutputChars, Network network,
                          Map<String, EgressRoute> egress, Duration cancelGrace, Duration startTimeout) {

        public Options {
            classpath = List.copyOf(classpath);
            egress = Map.copyOf(egress);
        }

        /** Defaults: 128 MB heap, 16,000 characters of output, isolated where possible, no egress. */
        public static Options defaults(List<Path> classpath) {
            return new Options(classpath, 128, 16_000, Network.AUTO, Map.of(), Duration.ofMillis(500),
                    Duration.ofSeconds(30));
        }

        public Options withEgress(Map<String, EgressRoute> routes) {
            return new Options(classpath, maxHeapMb, maxOutputChars, network, routes, cancelGrace, startTimeout);
        }

        public Options withNetwork(Network value) {
            return new Options(classpath, maxHeapMb, maxOutputChars, value, egress, cancelGrace, startTimeout);
        }

        public Options withMaxOutputChars(int value) {
            return new Options(classpath, maxHeapMb, value, network, egress, cancelGrace, startTimeout);
        }
    }

    /** A running tool process. */
    private record Child(Process process, JsonRpcChannel channel, String instructions, Path directory) {
    }

    /** A call the host is running: the only ones whose effects and egress it answers. */
    private static final class ActiveCall {
        final String callId;
        final Invocation invocation;
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicInteger effects = new AtomicInteger();
        final Set<String> openEffects = ConcurrentHashMap.newKeySet();
        final List<String> notes = new ArrayList<>();

        ActiveCall(String callId, Invocation invocation) {
            this.callId = callId;
            this.invocation = invocation;
        }

        boolean live() {
            return !ended.get() && Instant.now().isBefore(invocation.deadline());
        }

        synchronized void note(String note) {
            notes.add(note);
        }

        synchronized String detail(String status) {
            return notes.isEmpty() ? status : status + ", " + String.join(", ", notes);
        }
    }

    private final AgentDefinition definition;
    private final Options options;
    private final EffectLedger ledger = new EffectLedger();
    private final EgressGate egress;
    private final Map<String, ActiveCall> calls = new ConcurrentHashMap<>();
    private final ExecutorService requests = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "tool-host-requests");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicInteger starts = new AtomicInteger();
    private volatile Child child;
    private volatile boolean closed;

    private ToolProcess(AgentDefinition definition, Options options) {
        this.definition = definition;
        this.options = options;
        this.egress = new EgressGate(options.egress());
    }

    /** Starts the agent's tool process and waits until it answers. */
    public static ToolProcess start(AgentDefinition definition, Options options) {
        ToolProcess tools = new ToolProcess(definition, options);
        tools.child();
        return tools;
    }

    /** How many processes were started so far (1 unless one ended). */
    public int starts() {
        return starts.get();
    }

    /** The pid of the running tool process, or -1 when none runs. */
    public long pid() {
        Child current = child;
        return current == null || !current.process().isAlive() ? -1 : current.process().pid();
    }

    /** How many effects the host has on record for this agent (performed or in progress). */
    public int effectsOnRecord() {
        return ledger.size();
    }

    @Override
    public String instructions() {
        return child().instructions();
    }

    @Override
    public Outcome call(Invocation invocation) {
        ToolDefinition tool = invocation.tool();
        ObjectNode arguments;
        try {
            JsonNode parsed = JsonRpcChannel.MAPPER.readTree(invocation.argumentsJson() == null
                    || invocation.argumentsJson().isBlank() ? "{}" : invocation.argumentsJson());
            if (!parsed.isObject()) {
                return error("Invalid arguments for tool '" + tool.name() + "': expected a JSON object");
            }
            arguments = (ObjectNode) parsed;
        } catch (IOException e) {
            return error("Invalid arguments for tool '" + tool.name() + "': not valid JSON");
        }
        Child current;
        try {
            current = child();
        } catch (RuntimeException e) {
            return error("Tool '" + tool.name() + "' could not run: " + e.getMessage());
        }
        String callId = UUID.randomUUID().toString();
        ActiveCall active = new ActiveCall(callId, invocation);
        calls.put(callId, active);
        try {
            return run(current, callId, active, arguments);
        } finally {
            active.ended.set(true);
            calls.remove(callId);
        }
    }

    private Outcome run(Child current, String callId, ActiveCall active, ObjectNode arguments) {
        Invocation invocation = active.invocation;
        String name = invocation.tool().name();
        ObjectNode params = JsonRpcChannel.MAPPER.createObjectNode().put("name", name);
        params.set("arguments", arguments);
        params.putObject("_meta").putObject(Protocol.CALL_META).put("callId", callId)
                .put("tenant", invocation.principal().tenant()).put("user", invocation.principal().user())
                .put("sessionId", invocation.sessionId()).put("taskId", invocation.taskId())
                .put("step", invocation.step());
        JsonRpcChannel.Pending pending = current.channel().request(Protocol.TOOLS_CALL, params);
        long waitMillis = Math.max(0, Duration.between(Instant.now(), invocation.deadline()).toMillis());
        try {
            return result(active, pending.answer().get(waitMillis, TimeUnit.MILLISECONDS), name);
        } catch (TimeoutException e) {
            active.ended.set(true);
            current.channel().notify(Protocol.CANCELLED, JsonRpcChannel.MAPPER.createObjectNode()
                    .put("requestId", pending.id()).put("reason", "the task's deadline passed"));
            String detail = "timeout: cancelled at the task's deadline";
            try {
                pending.answer().get(options.cancelGrace().toMillis(), TimeUnit.MILLISECONDS);
                detail += ", late result discarded";
            } catch (TimeoutException stillRunning) {
                kill(current, "tool '" + name + "' did not stop within " + options.cancelGrace().toMillis()
                        + " ms of its cancellation");
                detail += ", tool process killed";
            } catch (ExecutionException ended) {
                detail += ", tool process ended";
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            return new Outcome(Status.TIMEOUT, "Error: tool '" + name + "' did not finish before the task's deadline",
                    active.detail(detail));
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof JsonRpcChannel.ClosedException) {
                String text = "Tool '" + name + "' failed: its process ended (" + cause.getMessage()
                        + "); the runtime starts a new one";
                return new Outcome(Status.ERROR, "Error: " + text, active.detail("error: tool process ended"));
            }
            return new Outcome(Status.ERROR, "Error: " + cause.getMessage(), active.detail("error: " + cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(Status.TIMEOUT, "Error: tool '" + name + "' was interrupted", active.detail("interrupted"));
        }
    }

    private Outcome result(ActiveCall active, JsonNode result, String name) {
        String text = result.path("content").path(0).path("text").asText("");
        long length = result.path("_meta").path(Protocol.LENGTH_META).asLong(text.length());
        if (text.length() > options.maxOutputChars()) {
            text = text.substring(0, options.maxOutputChars());
        }
        if (length > text.length()) {
            text += "\n[The runtime cut this result: tool '" + name + "' returned " + length
                    + " characters; the first " + text.length() + " are shown.]";
            active.note("cut from " + length + " characters");
        }
        boolean error = result.path("isError").asBoolean();
        return new Outcome(error ? Status.ERROR : Status.OK, text,
                active.detail(error ? "error: " + firstLine(text) : "ok"));
    }

    @Override
    public void taskEnded(Principal principal, String taskId) {
        Child current = child;
        if (current != null) {
            current.channel().notify(Protocol.TASK_ENDED, JsonRpcChannel.MAPPER.createObjectNode()
                    .put("tenant", principal.tenant()).put("taskId", taskId));
        }
    }

    @Override
    public void close() {
        closed = true;
        Child current = child;
        child = null;
        if (current != null) {
            kill(current, "closed");
        }
        requests.shutdownNow();
    }

    private synchronized Child child() {
        if (closed) {
            throw new IllegalStateException("the tool process of agent '" + definition.id() + "' is closed");
        }
        Child current = child;
        if (current != null && current.process().isAlive() && !current.channel().closed().isDone()) {
            return current;
        }
        if (current != null) {
            kill(current, "ended");
        }
        child = launch();
        return child;
    }

    private Child launch() {
        Path directory;
        try {
            directory = Files.createTempDirectory("switchboard-tools-" + definition.id() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>(NetworkNamespace.prefix(options.network()));
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("-Xmx" + options.maxHeapMb() + "m", "-Xss512k", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-XX:ActiveProcessorCount=1", "-XX:+ExitOnOutOfMemoryError",
                "-XX:-UsePerfData", "-Djava.io.tmpdir=" + directory, "-Duser.home=" + directory,
                "-Dfile.encoding=UTF-8", "-cp", options.classpath().stream().map(Path::toString)
                        .collect(Collectors.joining(java.io.File.pathSeparator)),
                ToolServer.class.getName(), definition.type().getName(), String.valueOf(options.maxOutputChars())));
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().clear();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the tool process of agent '" + definition.id() + "'", e);
        }
        starts.incrementAndGet();
        JsonRpcChannel channel = new JsonRpcChannel(process.getInputStream(), process.getOutputStream(),
                MAX_LINE_BYTES, new HostHandler()).start("tool-host-" + definition.id());
        Child started = new Child(process, channel, null, directory);
        try {
            ObjectNode init = JsonRpcChannel.MAPPER.createObjectNode().put("protocolVersion", Protocol.MCP_VERSION);
            init.putObject("capabilities");
            init.putObject("clientInfo").put("name", "switchboard-agent-service").put("version", "1");
            JsonNode initialized = channel.request(Protocol.INITIALIZE, init).answer()
                    .get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            channel.notify(Protocol.INITIALIZED, JsonRpcChannel.MAPPER.createObjectNode());
            JsonNode listed = channel.request(Protocol.TOOLS_LIST, JsonRpcChannel.MAPPER.createObjectNode()).answer()
                    .get(options.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
            Set<String> names = new HashSet<>();
            listed.path("tools").forEach(t -> names.add(t.path("name").asText()));
            Set<String> expected = definition.tools().stream().map(ToolDefinition::name).collect(Collectors.toSet());
            if (!names.equals(expected)) {
                throw new IllegalStateException("the tool process lists tools " + names + ", not " + expected);
            }
            LOG.log(System.Logger.Level.INFO, "Tool process of agent ''{0}'' started (pid {1}, network {2})",
                    definition.id(), String.valueOf(process.pid()), NetworkNamespace.describe(options.network()));
            return new Child(process, channel, initialized.path("instructions").asText(""), directory);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            kill(started, "failed to start");
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("the tool process of agent '" + definition.id() + "' did not start: "
                    + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(started, "interrupted");
            throw new IllegalStateException("interrupted while starting the tool process", e);
        }
    }

    private void kill(Child target, String why) {
        if (target.process().isAlive()) {
            LOG.log(System.Logger.Level.WARNING, "Ending the tool process of agent ''{0}'' (pid {1}): {2}",
                    definition.id(), String.valueOf(target.process().pid()), why);
            target.process().destroyForcibly();
            try {
                target.process().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        deleteQuietly(target.directory());
    }

    private static void deleteQuietly(Path directory) {
        try (var files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temporary directory; the OS cleans up what is left
        }
    }

    private static Outcome error(String text) {
        return new Outcome(Status.ERROR, "Error: " + text, "error: " + text);
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        return line.length() > 200 ? line.substring(0, 200) : line;
    }

    /** Answers what the tool process asks: effects and egress, only for live calls. */
    private final class HostHandler implements JsonRpcChannel.Handler {

        @Override
        public CompletableFuture<JsonNode> request(long id, String method, JsonNode params) {
            ActiveCall call = calls.get(params.path("callId").asText());
            try {
                return switch (method) {
                    case Protocol.EFFECT_BEGIN -> CompletableFuture.completedFuture(beginEffect(call));
                    case Protocol.EFFECT_END -> CompletableFuture.completedFuture(endEffect(call, params));
                    case Protocol.HTTP -> {
                        liveCall(call, "the request");
                        egress.check(call.openEffects.isEmpty(), params);
                        if (call.invocation.tool().egress() == null) {
                            throw refused("The runtime refused the request: tool '" + call.invocation.tool().name()
                                    + "' declares no egress");
                        }
                        yield CompletableFuture.supplyAsync(() -> egress.send(call.invocation, List.copyOf(call.openEffects), params), requests);
                    }
                    default -> CompletableFuture.failedFuture(new JsonRpcChannel.RpcException(
                            JsonRpcChannel.METHOD_NOT_FOUND, "Unknown method " + method));
                };
            } catch (JsonRpcChannel.RpcException e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public void notification(String method, JsonNode params) {
            if (Protocol.EFFECT_ABORT.equals(method)) {
                String callId = params.path("callId").asText();
                ActiveCall call = calls.get(callId);
                if (call != null) {
                    String key = params.path("key").asText();
                    call.openEffects.remove(key);
                    ledger.abort(ledgerKey(call.invocation, key), callId);
                    call.note("effect " + key + " failed");
                }
            }
        }

        private JsonNode beginEffect(ActiveCall call) {
            ActiveCall live = liveCall(call, "the effect");
            ToolDefinition tool = live.invocation.tool();
            if (!tool.sideEffects()) {
                throw refused("The effect was refused: tool '" + tool.name()
                        + "' is not declared with sideEffects = true");
            }
            if (tool.scope() == null || !live.invocation.grantedScopes().contains(tool.scope())) {
                throw refused("The effect was refused: tool '" + tool.name() + "' needs scope '" + tool.scope()
                        + "', which this task does not grant");
            }
            int number = live.effects.incrementAndGet();
            String key = live.invocation.taskId() + ":" + live.invocation.step() + (number > 1 ? ":" + number : "");
            EffectLedger.Begin begin = ledger.begin(ledgerKey(live.invocation, key), live.callId);
            ObjectNode answer = JsonRpcChannel.MAPPER.createObjectNode().put("key", key);
            if (begin instanceof EffectLedger.Begin.Recorded recorded) {
                live.note("effect " + key + " done before, recorded result returned");
                try {
                    answer.set("recorded", JsonRpcChannel.MAPPER.readTree(recorded.resultJson()));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (begin instanceof EffectLedger.Begin.Busy) {
                throw refused("The effect was refused: effect " + key + " is being performed by another delivery "
                        + "of this task");
            } else {
                live.openEffects.add(key);
            }
            return answer;
        }

        private JsonNode endEffect(ActiveCall call, JsonNode params) {
            String key = params.path("key").asText();
            String callId = params.path("callId").asText();
            if (call == null || !call.openEffects.remove(key)
                    || !ledger.end(ledgerKey(call.invocation, key), callId, params.path("result").toString())) {
                throw refused("No effect " + key + " is in progress for this call");
            }
            call.note("effect " + key);
            return JsonRpcChannel.MAPPER.createObjectNode();
        }
    }

    private static ActiveCall liveCall(ActiveCall call, String what) {
        if (call == null || !call.live()) {
            throw refused("The runtime refused " + what + ": the tool call has ended (its task's deadline passed "
                    + "or the task stopped), so nothing was done");
        }
        return call;
    }

    private String ledgerKey(Invocation invocation, String key) {
        return invocation.principal().tenant() + "/" + definition.id() + "/" + key;
    }

    static JsonRpcChannel.RpcException refused(String message) {
        return new JsonRpcChannel.RpcException(JsonRpcChannel.REFUSED, message);
    }
}
