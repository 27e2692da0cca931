package team.escape;

import com.sun.net.httpserver.HttpServer;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.AgentDefinitionException;
import dev.switchboard.agent.sdk.host.EgressRoute;
import dev.switchboard.agent.sdk.host.ToolProcess;
import dev.switchboard.agent.sdk.loop.LoopResult;
import dev.switchboard.agent.sdk.loop.TokenEstimate;
import dev.switchboard.agent.sdk.model.ModelRequest;
import dev.switchboard.agent.sdk.testing.ScriptedModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One agent per way out. Each is refused when it compiles (the SDK's processor) and when agent-service
 * starts it (the bytecode check), where the code shows the escape; and each is run in a real tool process to
 * show that the guarantee holds even for code that got past both: no refund, no data out, no thread alive
 * after the task, no cross-tenant read, the host alive after {@code System.exit}, the budget charged for every
 * token the model received.
 */
class EscapeTest {

    private static final Duration TASK = Duration.ofSeconds(20);

    @TempDir
    Path work;

    /** A server on the host's loopback where escape code tries to send data; it records every request. */
    private HttpServer server;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private ToolProcess tools;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", EscapeTargets.PORT), 0);
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestMethod() + " " + exchange.getRequestURI() + " "
                    + new String(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (tools != null) {
            tools.close();
        }
        server.stop(0);
    }

    /** The server is reachable from the host itself, so "nothing received" means the escape was stopped. */
    private void assertServerReachableFromTheHost() throws Exception {
        HttpResponse<Void> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + EscapeTargets.PORT + "/probe")).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(received).containsExactly("GET /probe ");
        received.clear();
    }

    @Test
    void anotherAgentsRefundCalledDirectly() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), CallsOtherAgent.class, RefundTarget.class)).contains(
                "CallsOtherAgent.java:24: Agent 'calls-other-agent' uses team.escape.RefundTarget.refund: agent code "
                        + "must not call into another agent's classes: hand off to it instead");
        assertThat(Escapes.startFindings(work.resolve("start"), CallsOtherAgent.class, RefundTarget.class)).contains(
                "team.escape.CallsOtherAgent.orderStatus(String, ToolContext): uses team.escape.RefundTarget.refund: "
                        + "agent code must not call into another agent's classes: hand off to it instead");

        tools = Escapes.start(CallsOtherAgent.class);
        LoopResult result = Escapes.run(tools, CallsOtherAgent.class, "acme", "task-other", "order_status",
                Map.of("invoiceId", "INV-1"), TASK);

        assertThat(result.reply()).isEqualTo("Error: Tool 'order_status' failed: The effect was refused: tool "
                + "'order_status' is not declared with sideEffects = true");
        assertThat(tools.effectsOnRecord()).isZero();
    }

    @Test
    void theLedgerOfEffectsIsTheHostsSoAgentCodeCannotEmptyIt() throws Exception {
        tools = Escapes.start(RefundTarget.class);
        LoopResult first = Escapes.run(tools, RefundTarget.class, "acme", "task-ledger", "refund",
                Map.of("invoiceId", "INV-9"), TASK);
        assertThat(first.steps().get(1).detail()).isEqualTo("ok, effect task-ledger:2");
        long pid = tools.pid();

        // Whatever agent code does to its own process (here: the process is gone), the record stays.
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        process.destroyForcibly();
        process.onExit().join();
        LoopResult redelivered = Escapes.run(tools, RefundTarget.class, "acme", "task-ledger", "refund",
                Map.of("invoiceId", "INV-9"), TASK);

        assertThat(tools.pid()).isNotEqualTo(pid);
        assertThat(redelivered.reply()).isEqualTo(first.reply());
        assertThat(redelivered.steps().get(1).detail())
                .isEqualTo("ok, effect task-ledger:2 done before, recorded result returned");
        assertThat(tools.effectsOnRecord()).isEqualTo(1);
    }

    @Test
    void aReadOnlyToolCallingTheAgentsOwnWriteTool() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), ReadsOwnWrite.class)).containsExactly(
                "ReadsOwnWrite.java:23: Agent 'reads-own-write' tool 'lookup' calls tool 'refund': a tool runs only "
                        + "when the model calls it, with its own scope check");
        assertThat(Escapes.startFindings(work.resolve("start"), ReadsOwnWrite.class)).containsExactly(
                "team.escape.ReadsOwnWrite.lookup(String, ToolContext): tool 'lookup' calls tool 'refund': a tool "
                        + "runs only when the model calls it, with its own scope check");

        tools = Escapes.start(ReadsOwnWrite.class);
        LoopResult result = Escapes.run(tools, ReadsOwnWrite.class, "acme", "task-own", "lookup",
                Map.of("invoiceId", "INV-1"), TASK);

        assertThat(result.reply()).isEqualTo("Error: Tool 'lookup' failed: The effect was refused: tool 'lookup' "
                + "is not declared with sideEffects = true");
        assertThat(tools.effectsOnRecord()).isZero();
    }

    @Test
    void anEffectInAToolDeclaredWithoutSideEffects() {
        tools = Escapes.start(EffectWithoutSideEffects.class);
        LoopResult result = Escapes.run(tools, EffectWithoutSideEffects.class, "acme", "task-note", "note",
                Map.of("text", "hello"), TASK);

        assertThat(result.reply()).isEqualTo("Error: Tool 'note' failed: The effect was refused: tool 'note' is "
                + "not declared with sideEffects = true");
        assertThat(tools.effectsOnRecord()).isZero();
    }

    @Test
    void anEffectInInstructionsHasNoNetworkAndNoEnvironment() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), EffectInInstructions.class)).contains(
                "EffectInInstructions.java:20: Agent 'effect-in-instructions' uses java.net.Socket.<init>: agent code "
                        + "must not open network connections or resolve names: declare @Tool(egress = \"name\") and "
                        + "use context.http()");
        assertThat(Escapes.startFindings(work.resolve("start"), EffectInInstructions.class)).contains(
                "team.escape.EffectInInstructions.instructions(): uses java.lang.System.getenv: agent code must not "
                        + "read the environment or system properties: a tool gets what it declares (egress) from "
                        + "the runtime");
        assertServerReachableFromTheHost();

        tools = Escapes.start(EffectInInstructions.class);

        assertThat(tools.instructions()).isEqualTo("Answer. (no network, env 0)");
        assertThat(received).isEmpty();
    }

    @Test
    void outboundHttpExfiltratingTheConversation() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), Exfiltrates.class)).contains(
                "Exfiltrates.java:31: Agent 'exfiltrates' uses java.net.URL.openConnection: agent code must not open "
                        + "network connections or resolve names: declare @Tool(egress = \"name\") and use "
                        + "context.http()");
        assertThat(Escapes.startFindings(work.resolve("start"), Exfiltrates.class)).contains(
                "team.escape.Exfiltrates.summarize(String, ToolContext): uses java.net.URL.openConnection: agent "
                        + "code must not open network connections or resolve names: declare @Tool(egress = \"name\") "
                        + "and use context.http()");
        assertServerReachableFromTheHost();

        tools = Escapes.start(Exfiltrates.class);
        LoopResult result = Escapes.run(tools, Exfiltrates.class, "acme", "task-leak", "summarize",
                Map.of("text", "my card is 4111 1111 1111 1111"), TASK);

        assertThat(received).isEmpty();
        assertThat(result.reply()).startsWith("direct: ").doesNotContain("HTTP 200")
                .endsWith("; egress: Tool 'summarize' declares no egress; declare @Tool(egress = \"name\") to reach "
                        + "an outside service");
    }

    @Test
    void theEnvironmentAndSystemPropertiesHoldNoSecrets() throws IOException {
        String envSecret = System.getenv("SWITCHBOARD_ESCAPE_SECRET");
        String propertySecret = System.getProperty("switchboard.escape.secret");
        assertThat(envSecret).as("set by the build for this test").isNotBlank();
        assertThat(propertySecret).as("set by the build for this test").isNotBlank();
        assertThat(Escapes.startFindings(work.resolve("start"), ReadsSecrets.class)).contains(
                "team.escape.ReadsSecrets.debug(): uses java.lang.System.getenv: agent code must not read the "
                        + "environment or system properties: a tool gets what it declares (egress) from the runtime");

        tools = Escapes.start(ReadsSecrets.class);
        LoopResult result = Escapes.run(tools, ReadsSecrets.class, "acme", "task-env", "debug", Map.of(), TASK);

        assertThat(result.reply()).startsWith("env={} properties={").doesNotContain(envSecret)
                .doesNotContain(propertySecret);
    }

    @Test
    void aThreadStartedByAToolDoesNotOutliveIt() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), LeavesThread.class)).contains(
                "LeavesThread.java:32: Agent 'leaves-thread' uses java.lang.Thread.start: agent code must not start "
                        + "threads, executors, timers or parallel streams: the runtime runs each tool call and ends "
                        + "it at the task's deadline");
        assertThat(Escapes.startFindings(work.resolve("start"), LeavesThread.class)).contains(
                "team.escape.LeavesThread.watch(): uses java.lang.Thread.start: agent code must not start threads, "
                        + "executors, timers or parallel streams: the runtime runs each tool call and ends it at the "
                        + "task's deadline");

        tools = Escapes.start(LeavesThread.class);
        ProcessHandle process = ProcessHandle.of(tools.pid()).orElseThrow();
        LoopResult result = Escapes.run(tools, LeavesThread.class, "acme", "task-thread", "watch", Map.of(), TASK);

        assertThat(result.reply()).isEqualTo("Error: Tool 'watch' left threads running after it returned; the "
                + "runtime ended them");
        process.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(process.isAlive()).isFalse();
    }

    @Test
    void aSlowToolCannotLandItsEffectAfterTheDeadline() throws Exception {
        tools = Escapes.start(SlowEffect.class);
        long started = System.nanoTime();
        LoopResult result = Escapes.run(tools, SlowEffect.class, "acme", "task-slow", "slow_refund",
                Map.of("invoiceId", "INV-1"), Duration.ofSeconds(1));
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(result.failure().code()).isEqualTo("timeout");
        assertThat(tookMillis).isLessThan(2_500);
        assertThat(result.steps().get(1).detail()).isEqualTo("timeout: cancelled at the task's deadline, tool "
                + "process killed");
        Thread.sleep(Math.max(0, 3_600 - tookMillis));
        assertThat(tools.effectsOnRecord()).isZero();
    }

    @Test
    void stateInTheAgentObjectIsNeverSeenByAnotherTask() {
        tools = Escapes.start(KeepsState.class);
        ScriptedModel sameTask = ScriptedModel.create().whenMessage(text -> true)
                .callTool("remember", Map.of("card", "4111 1111 1111 1111")).callTool("recall", Map.of())
                .thenReply(result -> result);
        assertThat(Escapes.run(tools, KeepsState.class, sameTask, "tenant-a", "task-a", TASK).reply())
                .as("one task keeps its own state").isEqualTo("card: 4111 1111 1111 1111");

        LoopResult otherTenant = Escapes.run(tools, KeepsState.class, "tenant-b", "task-b", "recall", Map.of(), TASK);

        assertThat(otherTenant.reply()).isEqualTo("card: null");
    }

    @Test
    void mutableStaticStateIsRefusedAtBuildAndStart() throws Exception {
        String rule = "agent code must not keep mutable static state: a static field must be final and hold an "
                + "immutable value (a primitive, String, enum, record, BigDecimal, BigInteger, java.time value, "
                + "Pattern, or List/Set/Map.of or copyOf); state for one task belongs in instance fields";
        assertThat(Escapes.buildErrors(work.resolve("build"), KeepsStaticState.class)).containsExactly(
                "KeepsStaticState.java:18: Agent 'keeps-static-state' uses team.escape.KeepsStaticState.CARDS: " + rule);
        assertThat(Escapes.startFindings(work.resolve("start"), KeepsStaticState.class)).containsExactly(
                "team.escape.KeepsStaticState: uses team.escape.KeepsStaticState.CARDS: " + rule);
    }

    @Test
    void systemExitEndsOnlyTheToolProcess() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), Exits.class)).containsExactly(
                "Exits.java:23: Agent 'exits' uses java.lang.System.exit: agent code must not start processes, exit "
                        + "the JVM or load native code");
        assertThat(Escapes.startFindings(work.resolve("start"), Exits.class)).containsExactly(
                "team.escape.Exits.quit(): uses java.lang.System.exit: agent code must not start processes, exit the "
                        + "JVM or load native code");

        tools = Escapes.start(Exits.class);
        LoopResult result = Escapes.run(tools, Exits.class, "acme", "task-exit", "quit", Map.of(), TASK);

        assertThat(result.reply()).startsWith("Error: Tool 'quit' failed: its process ended (")
                .endsWith("); the runtime starts a new one");
        assertThat(tools.instructions()).as("the next task gets a new process").isEqualTo("Quit.");
        assertThat(tools.starts()).isEqualTo(2);
    }

    @Test
    void aToolCallingTheModelProviderItselfReachesNothing() throws Exception {
        assertThat(Escapes.startFindings(work.resolve("start"), CallsModel.class)).contains(
                "team.escape.CallsModel.think(String): uses java.net.URL.openConnection: agent code must not open "
                        + "network connections or resolve names: declare @Tool(egress = \"name\") and use "
                        + "context.http()");
        assertServerReachableFromTheHost();

        tools = Escapes.start(CallsModel.class);
        LoopResult result = Escapes.run(tools, CallsModel.class, "acme", "task-model", "think",
                Map.of("question", "the meaning of life"), TASK);

        assertThat(received).isEmpty();
        assertThat(result.reply()).startsWith("model unreachable: ");
        assertThat(result.usage().totalTokens()).as("only the loop's own model calls").isEqualTo(240);
    }

    @Test
    void fourMegabytesOfOutputAreCutAndEveryTokenTheModelReadsIsCharged() {
        tools = Escapes.start(FloodsOutput.class);
        ScriptedModel model = ScriptedModel.create().usagePerCall(0, 20).whenMessage(text -> true)
                .callTool("export", Map.of()).thenReply(result -> "exported " + result.length());

        LoopResult result = Escapes.run(tools, FloodsOutput.class, model, "acme", "task-flood", TASK);

        String shown = model.requests().get(1).messages().get(2).text();
        assertThat(shown).hasSizeLessThan(16_200).endsWith("[The runtime cut this result: tool 'export' returned "
                + "4194304 characters; the first 16000 are shown.]");
        long read = model.requests().stream().mapToLong(TokenEstimate::of).sum();
        assertThat(result.usage().inputTokens()).isEqualTo(read);
        assertThat(result.usage().totalTokens()).isLessThanOrEqualTo(6_000);
        assertThat(result.outcome()).isEqualTo(LoopResult.Outcome.REPLY);
    }

    @Test
    void aToolContextCannotBeMadeByAgentCode() throws Exception {
        assertThat(Escapes.buildErrors(work.resolve("build"), ForgesContext.class)).contains(
                "ForgesContext.java:30: Agent 'forges-context' uses java.lang.Class.getDeclaredConstructor: agent "
                        + "code must not use reflection, method handles or serialization internals",
                "ForgesContext.java:30: Agent 'forges-context' uses dev.switchboard.agent.sdk.host.CallHandle: agent "
                        + "code must not use the runtime's internals: only the types in package "
                        + "dev.switchboard.agent.sdk are for agents");
        assertThat(Escapes.startFindings(work.resolve("start"), ForgesContext.class)).contains(
                "team.escape.ForgesContext.refundFor(String): uses java.lang.reflect.Constructor.setAccessible: agent "
                        + "code must not use reflection, method handles or serialization internals");
        assertServerReachableFromTheHost();

        // Code that got past both checks can build an object, but the host answers effects only for the call ids
        // it issued: a forged context's "effect" never leaves its process, and nothing is recorded.
        tools = Escapes.start(ForgesContext.class);
        Escapes.run(tools, ForgesContext.class, "acme", "task-forge", "refund_for", Map.of("tenant", "globex"), TASK);

        assertThat(tools.effectsOnRecord()).isZero();
        assertThat(received).isEmpty();
    }

    @Test
    void aSideEffectWithoutAScopeIsRefusedEverywhere() throws Exception {
        String message = "Tool 'send_mail' of agent 'side-effects-without-scope' has side effects but no scope: "
                + "declare scope = \"...\" so that a task must grant it";
        assertThat(Escapes.buildErrors(work.resolve("build"), SideEffectsWithoutScope.class))
                .containsExactly("SideEffectsWithoutScope.java:22: " + message);
        assertThat(Escapes.startFindings(work.resolve("start"), SideEffectsWithoutScope.class)).containsExactly(
                "team.escape.SideEffectsWithoutScope.sendMail(String, ToolContext): tool 'send_mail' has side "
                        + "effects but no scope");
        assertThatThrownBy(() -> AgentDefinition.of(SideEffectsWithoutScope.class))
                .isInstanceOf(AgentDefinitionException.class).hasMessageContaining(message);
    }

    @Test
    void aDeclaredEgressReachesOnlyItsOwnServiceAndChangesNothingOutsideAnEffect() throws Exception {
        tools = Escapes.start(MisusesEgress.class, Map.of("orders", new EgressRoute(
                URI.create("http://127.0.0.1:" + EscapeTargets.PORT + "/api"), Map.of("Authorization", "Bearer k"))));
        ScriptedModel model = ScriptedModel.create()
                .whenMessage(text -> text.equals("own")).callTool("fetch", Map.of("path", "/orders/1", "method", "GET"))
                .thenReply(result -> "own: " + result)
                .whenMessage(text -> text.equals("absolute"))
                .callTool("fetch", Map.of("path", "http://127.0.0.1:" + EscapeTargets.PORT + "/leak", "method", "GET"))
                .thenReply(result -> result)
                .whenMessage(text -> text.equals("dots"))
                .callTool("fetch", Map.of("path", "/orders/../../leak", "method", "GET")).thenReply(result -> result)
                .whenMessage(text -> text.equals("post"))
                .callTool("fetch", Map.of("path", "/orders/1/cancel", "method", "POST")).thenReply(result -> result);

        assertThat(runText(model, "own")).isEqualTo("own: ");
        assertThat(received).containsExactly("GET /api/orders/1 ");
        received.clear();
        assertThat(runText(model, "absolute")).isEqualTo("Error: Tool 'fetch' failed: The runtime refused the "
                + "request: path 'http://127.0.0.1:" + EscapeTargets.PORT + "/leak' must be a path under the egress, "
                + "like /orders/42");
        assertThat(runText(model, "dots")).isEqualTo("Error: Tool 'fetch' failed: The runtime refused the request: "
                + "path '/orders/../../leak' must be a path under the egress, like /orders/42");
        assertThat(runText(model, "post")).isEqualTo("Error: Tool 'fetch' failed: The runtime refused the request: "
                + "POST changes something, so it must run inside context.perform(...)");
        assertThat(received).isEmpty();
    }

    private String runText(ScriptedModel model, String text) {
        dev.switchboard.agent.sdk.definition.AgentDefinition definition = AgentDefinition.of(MisusesEgress.class);
        dev.switchboard.agent.sdk.loop.TaskInput task = dev.switchboard.agent.sdk.loop.TaskInput.of("task-" + text,
                "s", new dev.switchboard.agent.sdk.Principal("acme", "u"), text)
                .withGrantedScopes(java.util.Set.of("orders:read"));
        return new dev.switchboard.agent.sdk.loop.AgentLoop(definition, tools, model).run(task).reply();
    }
}
