package dev.switchboard.benchmark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.switchboard.agent.sdk.Principal;
import dev.switchboard.agent.sdk.definition.AgentDefinition;
import dev.switchboard.agent.sdk.definition.ToolDefinition;
import dev.switchboard.agent.sdk.host.ClassRoots;
import dev.switchboard.agent.sdk.host.EgressRoute;
import dev.switchboard.agent.sdk.host.ToolProcess;
import dev.switchboard.agent.sdk.loop.ToolRunner;
import dev.switchboard.agents.BillingAgent;
import dev.switchboard.agents.TechSupportAgent;
import dev.switchboard.benchmark.faults.FakePaymentApi;

/**
 * What a tool call costs across the process boundary: the same tool called in the host's own JVM (the
 * baseline, as tools ran before they had a process of their own) and in the agent's tool process, in one run,
 * one caller at a time and eight at once (agent-service runs sessions in parallel). Also a side-effecting
 * tool, whose effect asks the host twice (begin, end) and sends an HTTP request through the host to a payment service
 * on this machine. Prints p50/p99 and writes
 * {@code docs/tool-boundary.md} and {@code .json}.
 */
public final class ToolBoundaryBenchmark {

    record Row(String what, int callers, long calls, double callsPerSecond, double p50Micros, double p99Micros) {
    }

    private static final int WARMUP = 3_000;
    private static final int CALLS = 20_000;
    /** A call with an effect also sends an HTTP request: fewer of them give the same percentiles in reasonable time. */
    private static final int EFFECT_WARMUP = 300;
    private static final int EFFECT_CALLS = 2_000;

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "docs");
        AgentDefinition support = AgentDefinition.of(TechSupportAgent.class);
        AgentDefinition billing = AgentDefinition.of(BillingAgent.class);
        ToolDefinition status = support.tool("service_status").orElseThrow();
        ToolDefinition refund = billing.tool("refund").orElseThrow();
        TechSupportAgent inProcess = new TechSupportAgent();
        String statusArgs = "{\"component\":\"API\"}";
        List<Row> rows = new ArrayList<>();
        try (FakePaymentApi payments = FakePaymentApi.start(); ToolProcess supportTools = start(support, Map.of());
                ToolProcess billingTools = start(billing, Map.of("payments",
                        new EgressRoute(URI.create(payments.baseUrl()), Map.of())))) {
            AtomicInteger tasks = new AtomicInteger();
            for (int callers : new int[] {1, 8}) {
                rows.add(measure("in-process call (baseline)", callers,
                        () -> status.call(inProcess, statusArgs, null)));
                rows.add(measure("tool process call", callers, () -> check(supportTools.call(invocation(status,
                        statusArgs, "bench-" + tasks.incrementAndGet(), Set.of("support:read"))))));
                rows.add(measure("tool process call with one effect (an HTTP request)", callers, EFFECT_WARMUP,
                        EFFECT_CALLS, () -> check(billingTools.call(
                        invocation(refund, "{\"invoiceId\":\"INV-1001\",\"amount\":\"1.00\"}",
                                "bench-refund-" + tasks.incrementAndGet(), Set.of("billing:refund"))))));
            }
        }
        print(rows);
        write(out, rows);
    }

    private static ToolProcess start(AgentDefinition definition, Map<String, EgressRoute> egress) {
        List<Path> classpath = new ArrayList<>(List.of(ClassRoots.of(definition.type().getName(),
                definition.type().getClassLoader())));
        classpath.addAll(ClassRoots.runtime());
        return ToolProcess.start(definition, ToolProcess.Options.defaults(classpath).withEgress(egress));
    }

    private static ToolRunner.Invocation invocation(ToolDefinition tool, String arguments, String taskId,
            Set<String> scopes) {
        return new ToolRunner.Invocation(tool, arguments, new Principal("bench", "user"), "session-" + taskId, taskId,
                2, scopes, Instant.now().plusSeconds(30));
    }

    private static String check(ToolRunner.Outcome outcome) {
        if (outcome.status() != ToolRunner.Status.OK) {
            throw new IllegalStateException("tool call failed: " + outcome.text());
        }
        return outcome.text();
    }

    private static Row measure(String what, int callers, java.util.function.Supplier<String> call) throws Exception {
        return measure(what, callers, WARMUP, CALLS, call);
    }

    private static Row measure(String what, int callers, int warmup, int calls, java.util.function.Supplier<String> call)
            throws Exception {
        Histogram histogram = new Histogram(Duration.ofSeconds(10).toNanos(), 3);
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            run(pool, callers, warmup, call, null);
            long started = System.nanoTime();
            run(pool, callers, calls, call, histogram);
            double seconds = (System.nanoTime() - started) / 1e9;
            return new Row(what, callers, histogram.getTotalCount(), histogram.getTotalCount() / seconds,
                    histogram.getValueAtPercentile(50) / 1000.0, histogram.getValueAtPercentile(99) / 1000.0);
        } finally {
            pool.shutdownNow();
        }
    }

    private static void run(ExecutorService pool, int callers, int calls, java.util.function.Supplier<String> call,
            Histogram histogram) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < callers; c++) {
            running.add(pool.submit(() -> {
                for (int i = 0; i < calls / callers; i++) {
                    long begun = System.nanoTime();
                    call.get();
                    if (histogram != null) {
                        synchronized (histogram) {
                            histogram.recordValue(System.nanoTime() - begun);
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
    }

    private static void print(List<Row> rows) {
        System.out.printf("%-36s %7s %9s %12s %10s %10s%n", "tool call", "callers", "calls", "calls/s", "p50 µs",
                "p99 µs");
        for (Row row : rows) {
            System.out.printf("%-36s %7d %9d %12.0f %10.1f %10.1f%n", row.what(), row.callers(), row.calls(),
                    row.callsPerSecond(), row.p50Micros(), row.p99Micros());
        }
    }

    private static void write(Path out, List<Row> rows) throws IOException {
        Files.createDirectories(out);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("date", ZonedDateTime.now(ZoneOffset.UTC).toString());
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("rows", rows);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.resolve("tool-boundary.json")
                .toFile(), json);
        StringBuilder md = new StringBuilder("""
                # Tool calls across the process boundary

                Written by `ToolBoundaryBenchmark` (see `benchmark/README.md`) on %s, %d cores. The same tool,
                `tech-support`'s `service_status`, called in the host's JVM (the baseline: how tools ran before
                they had a process of their own) and in the agent's tool process over its JSON-RPC channel; and
                `billing-agent`'s `refund`, whose effect asks the host twice (begin and end) and sends a request
                through the host to a payment service on this machine, in its tool process. %d calls per row after
                %d of warm-up (with an effect: %d after %d); one caller, then eight at once.

                | tool call | callers | calls/s | p50 µs | p99 µs |
                |---|---|---|---|---|
                """.formatted(json.get("date"), Runtime.getRuntime().availableProcessors(), CALLS, WARMUP, EFFECT_CALLS,
                        EFFECT_WARMUP));
        for (Row row : rows) {
            md.append("| %s | %d | %.0f | %.1f | %.1f |%n".formatted(row.what(), row.callers(), row.callsPerSecond(),
                    row.p50Micros(), row.p99Micros()));
        }
        Files.writeString(out.resolve("tool-boundary.md"), md.toString());
    }
}
