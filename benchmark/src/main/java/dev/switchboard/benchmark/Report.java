package dev.switchboard.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.HdrHistogram.Histogram;

/**
 * The results of one run: the idle stack, sequential turns, every load step of each user mix (what the user sees
 * over HTTP, the turn on the broker, CPU per turn per process), the saturation point of each mix, the floors, the
 * targets, resources per process and the profiled hot spots and waits; printed as a table and written as
 * {@code benchmarks.json} and {@code benchmarks.md}.
 */
record Report(Environment environment, Settings settings, Idle idle, Sequential sequential, List<MixResult> mixes,
        List<FloorResult> floors, List<Target> targets, Profile profile, double wallSeconds) {

    /** The p99 a step must stay under to count as sustained. */
    static final long P99_LIMIT_MS = 1000;
    static final double SATURATION_TARGET = 500;
    static final double IDLE_TURN_P50_TARGET_MS = 30;
    static final double CPU_MS_PER_TURN_TARGET = 4;
    static final double IDLE_CPU_TARGET_PERCENT = 10;
    static final double FLOOR_FACTOR_TARGET = 2;
    static final double TARGET_LOW_RATE = 10;
    static final double TARGET_CPU_RATE = 100;

    /** Percentiles in milliseconds. */
    record Latency(long count, long p50, long p90, long p99, long p999, long max) {

        static Latency of(Histogram histogram) {
            return new Latency(histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99),
                    histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
        }

        /** From a histogram in microseconds, rounded to the millisecond. */
        static Latency ofMicros(Histogram micros) {
            return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()));
        }

        private static long ms(long micros) {
            return Math.round(micros / 1000.0);
        }

        String brief() {
            return count == 0 ? "-" : p50 + " / " + p90 + " / " + p99 + " / " + max;
        }
    }

    /**
     * One system on the broker at one offered rate (Switchboard: {@code turns.raw} → {@code replies.outbound}).
     *
     * @param latency     first record written → last record visible to a read_committed reader (the headline)
     * @param produced    first record written → last record sent by its writer (before any commit wait)
     * @param noReply     turns of the step still unanswered {@code deadline} seconds after the step's last send
     * @param acceptP99Ms for Switchboard, the HTTP answer (202) of the streaming users' messages, from when due
     */
    record SystemResult(String system, double offeredPerSecond, long sent, long accepted, long refused, long timedOut,
            long noReply, double repliesPerSecond, Latency latency, Latency produced, double acceptP99Ms,
            double machineCpuPercent, Map<String, ProcessSampler.Usage> processes) {

        long errors() {
            return refused + timedOut + noReply;
        }
    }

    /**
     * What the users saw at one step, each latency from when the request was due.
     *
     * @param sync           {@code POST ...?wait} → its 200 answer with the reply
     * @param stream         {@code POST} (202) → the reply's event on the session's open SSE stream; empty when the mix
     *                       has no streaming users
     * @param all            both together: every turn as its user saw it
     * @param streamAccept   {@code POST} → its 202
     * @param streamMissing  streamed turns accepted but without an event by the deadline
     */
    record UserVisible(Latency sync, Latency stream, Latency all, Latency streamAccept, long syncSent, long syncRefused,
            long syncTimedOut, long streamSent, long streamRefused, long streamTimedOut, long streamMissing) {

        long errors() {
            return syncRefused + syncTimedOut + streamRefused + streamTimedOut + streamMissing;
        }

        String errorsBrief() {
            return syncRefused + " / " + syncTimedOut + (streamSent == 0 ? ""
                    : " · " + streamRefused + " / " + streamTimedOut + " / " + streamMissing);
        }
    }

    /**
     * One load step of one user mix.
     *
     * @param cpuMsPerTurn CPU milliseconds per answered turn (replies visible during the measured seconds) of each
     *                     process
     * @param stackCpuMsPerTurn the same summed over the stack's processes (without the benchmark's own JVM)
     */
    record Step(String mix, double offeredPerSecond, SystemResult switchboard, UserVisible user,
            Map<String, Double> cpuMsPerTurn, double stackCpuMsPerTurn, boolean sustained, String verdict) {

        /** @param answered replies that became visible during the measured seconds */
        static Step of(String mix, SystemResult switchboard, UserVisible user, long answered) {
            Map<String, Double> perTurn = new LinkedHashMap<>();
            double replies = Math.max(1, answered);
            double stack = 0;
            for (var e : switchboard.processes().entrySet()) {
                double value = e.getValue().cpuMs() / replies;
                perTurn.put(e.getKey(), round2(value));
                if (!e.getKey().equals("benchmark")) {
                    stack += value;
                }
            }
            List<String> reasons = new ArrayList<>();
            long p99 = Math.max(user.all().p99(), user.stream().p99());
            if (p99 >= P99_LIMIT_MS) {
                reasons.add("user-visible p99 " + p99 + " ms ≥ 1 s");
            }
            if (user.errors() > 0) {
                reasons.add(user.errors() + " HTTP errors (" + user.errorsBrief() + ")");
            }
            if (switchboard.noReply() > 0) {
                reasons.add(switchboard.noReply() + " turns without a reply on the broker");
            }
            if (switchboard.repliesPerSecond() < 0.95 * switchboard.offeredPerSecond()) {
                reasons.add(String.format(Locale.ROOT, "%.1f replies/s < 95 %% of offered", switchboard.repliesPerSecond()));
            }
            return new Step(mix, switchboard.offeredPerSecond(), switchboard, user, perTurn, round2(stack),
                    reasons.isEmpty(), reasons.isEmpty() ? "sustained" : String.join("; ", reasons));
        }
    }

    /** One user mix: its steps up to the first that was not sustained, and the highest rate sustained before it. */
    record MixResult(String mix, String users, List<Step> steps, Double saturationPerSecond) {

        static MixResult of(String mix, String users, List<Step> steps) {
            Double saturation = null;
            for (Step step : steps) {
                if (!step.sustained()) {
                    break;
                }
                saturation = step.offeredPerSecond();
            }
            return new MixResult(mix, users, steps, saturation);
        }

        Step at(double rate) {
            return steps.stream().filter(s -> s.offeredPerSecond() == rate).findFirst().orElse(null);
        }

        /** The step nearest to {@code rate} (the lower one on a tie). */
        Step nearest(double rate) {
            return steps.stream().min(Comparator.comparingDouble((Step s) -> Math.abs(s.offeredPerSecond() - rate))
                    .thenComparingDouble(Step::offeredPerSecond)).orElse(null);
        }
    }

    /** Both floors at one rate. */
    record FloorResult(double offeredPerSecond, SystemResult plain, SystemResult exactlyOnce) {
    }

    /** The stack with no traffic: CPU in percent of one core per process, and summed over the stack. */
    record Idle(int seconds, Map<String, Double> cpuPercent, double stackCpuPercent) {
    }

    /** Sequential synchronous turns, one at a time, before the load steps. */
    /** @param hops where an idle turn's time goes, segment by segment ({@link HopTrace}), in path order */
    record Sequential(int turns, Latency latency, long errors, List<HopTrace.Segment> hops) {
    }

    /** One row of the targets table; {@code met} is null when the run did not measure it. */
    record Target(String what, String target, String measured, Boolean met) {
    }

    record Profile(String mix, double offeredPerSecond, int seconds, Map<String, JfrProfiler.HotSpots> processes) {
    }

    record Environment(String date, int cores, String cpu, long memoryMb, String os, String java, String switchboard,
            String commit, String quarkus, String kafka) {
    }

    record Settings(int sessions, int streamSessions, int partitions, int hops, int warmupSeconds,
            int startWarmupSeconds, double startWarmupRate, int measureSeconds,
            int floorSeconds, int deadlineSeconds, List<Double> offeredRates, boolean explicitRates, List<String> mixes,
            String command) {
    }

    // ---------------------------------------------------------------- targets

    static List<Target> targets(Idle idle, Sequential sequential, List<MixResult> mixes, List<FloorResult> floors) {
        List<Target> targets = new ArrayList<>();
        for (MixResult mix : mixes) {
            Double sat = mix.saturationPerSecond();
            targets.add(new Target("saturation, " + mix.mix() + " users",
                    "≥ " + number(SATURATION_TARGET) + " turns/s with user-visible p99 < 1 s and no errors",
                    sat == null ? "none of the steps (" + (mix.steps().isEmpty() ? "no step" : mix.steps().get(0).verdict()) + ")"
                            : number(sat) + " turns/s" + stoppedAt(mix),
                    sat != null && sat >= SATURATION_TARGET));
        }
        FloorResult floor = floors.stream().filter(f -> f.offeredPerSecond() == TARGET_LOW_RATE).findFirst().orElse(null);
        for (MixResult mix : mixes) {
            Step step = mix.at(TARGET_LOW_RATE);
            for (boolean p50 : new boolean[] {true, false}) {
                String pct = p50 ? "p50" : "p99";
                if (step == null || floor == null || floor.exactlyOnce() == null) {
                    targets.add(new Target("user-visible " + pct + " at " + number(TARGET_LOW_RATE) + " turns/s, " + mix.mix()
                            + " users", "≤ 2 × the exactly-once floor's " + pct + " (" + BenchmarkRunner.TURN_HOPS + " hops)",
                            "not measured", null));
                    continue;
                }
                long user = p50 ? step.user().all().p50() : step.user().all().p99();
                long eos = p50 ? floor.exactlyOnce().latency().p50() : floor.exactlyOnce().latency().p99();
                double ratio = user / (double) Math.max(1, eos);
                targets.add(new Target("user-visible " + pct + " at " + number(TARGET_LOW_RATE) + " turns/s, " + mix.mix()
                        + " users", "≤ 2 × the exactly-once floor's " + pct + " (" + BenchmarkRunner.TURN_HOPS + " hops)",
                        String.format(Locale.ROOT, "%d ms against 2 × %d ms: %.1f × the floor", user, eos, ratio),
                        ratio <= FLOOR_FACTOR_TARGET));
            }
        }
        targets.add(sequential == null || sequential.latency().count() == 0
                ? new Target("idle sequential turn p50 (HTTP → HTTP)", "≤ 30 ms", "not measured", null)
                : new Target("idle sequential turn p50 (HTTP → HTTP)", "≤ 30 ms",
                        String.format(Locale.ROOT, "%d ms (p99 %d ms, %d turns)", sequential.latency().p50(),
                                sequential.latency().p99(), sequential.turns()),
                        sequential.latency().p50() <= IDLE_TURN_P50_TARGET_MS && sequential.errors() == 0));
        for (MixResult mix : mixes) {
            Step step = mix.nearest(TARGET_CPU_RATE);
            targets.add(step == null
                    ? new Target("CPU per turn, all processes, " + mix.mix() + " users", "≤ 4 ms", "not measured", null)
                    : new Target("CPU per turn, all processes, " + mix.mix() + " users, at " + number(step.offeredPerSecond())
                            + " turns/s" + (step.offeredPerSecond() == TARGET_CPU_RATE ? "" : " (nearest to 100)"),
                            "≤ 4 ms (aim)", String.format(Locale.ROOT, "%.2f ms", step.stackCpuMsPerTurn()),
                            step.stackCpuMsPerTurn() <= CPU_MS_PER_TURN_TARGET));
        }
        targets.add(idle == null
                ? new Target("idle stack CPU", "< 10 % of one core", "not measured", null)
                : new Target("idle stack CPU (no traffic, " + idle.seconds() + " s)", "< 10 % of one core",
                        String.format(Locale.ROOT, "%.1f %% of one core", idle.stackCpuPercent()),
                        idle.stackCpuPercent() < IDLE_CPU_TARGET_PERCENT));
        return targets;
    }

    private static String stoppedAt(MixResult mix) {
        for (Step step : mix.steps()) {
            if (!step.sustained()) {
                return " (next step " + number(step.offeredPerSecond()) + "/s: " + step.verdict() + ")";
            }
        }
        return " (the highest step offered)";
    }

    // ---------------------------------------------------------------- console

    void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-9s | %-8s | %-26s | %-26s | %-14s | %-9s | %-9s | %s%n", "mix", "offered",
                "sync p50/p90/p99/max ms", "SSE p50/p90/p99/max ms", "Kafka p50/p99", "replies/s", "CPU ms/t", "verdict");
        for (MixResult mix : mixes) {
            for (Step step : mix.steps()) {
                out.printf(Locale.ROOT, "%-9s | %-8s | %-26s | %-26s | %-14s | %-9.1f | %-9.2f | %s%n", mix.mix(),
                        number(step.offeredPerSecond()), step.user().sync().brief(), step.user().stream().brief(),
                        step.switchboard().latency().p50() + " / " + step.switchboard().latency().p99(),
                        step.switchboard().repliesPerSecond(), step.stackCpuMsPerTurn(), step.verdict());
            }
            out.println("saturation (" + mix.mix() + "): " + (mix.saturationPerSecond() == null ? "none"
                    : number(mix.saturationPerSecond()) + " turns/s"));
        }
        out.println();
        for (Target target : targets) {
            out.printf(Locale.ROOT, "%-60s | %-45s | %-50s | %s%n", target.what(), target.target(), target.measured(),
                    met(target));
        }
    }

    private static String met(Target target) {
        return target.met() == null ? "not measured" : target.met() ? "yes" : "no";
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    // ---------------------------------------------------------------- files

    void writeJson(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    void writeMarkdown(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown());
    }

    String markdown() {
        List<String> md = new ArrayList<>();
        Environment env = environment;
        md.add("# Benchmark: what a user of Switchboard sees, and what a turn costs");
        md.add("");
        md.add(String.format(Locale.ROOT, "Run on %s: %d cores (%s), %,d MiB of memory, %s, Java %s. Switchboard %s "
                        + "(commit %s), Quarkus %s, Kafka %s. The whole run took %.0f s.", env.date(), env.cores(), env.cpu(),
                env.memoryMb(), env.os(), env.java(), env.switchboard(), env.commit(), env.quarkus(), env.kafka(), wallSeconds));
        md.add("");
        md.add(String.format(Locale.ROOT, "Command: `%s`", settings.command()));
        md.add("");
        md.add(String.format(Locale.ROOT, "The whole secured stack (PostgreSQL, a KRaft broker, five services, each its own "
                        + "process; %d partitions per topic; offline model, no think time) under open-model load through the "
                        + "gateway's web chat API, offered in steps (%s turns/s%s) until a step is not sustained: "
                        + "user-visible p99 under 1 s, no errors, replies keeping up. Before any measurement the whole "
                        + "path is warmed up for %d s at %s turns/s, so that every JVM's JIT compilers have settled. Each "
                        + "step: %d s warm-up (not counted), %d s measured; each floor step %d s. Every Kafka client authenticates with "
                        + "SASL/SCRAM-SHA-512; the gateway's per-tenant ingress limits are lifted (the benchmark measures "
                        + "the runtime, not the limiter). Latencies in ms, from when a request was due. See "
                        + "`benchmark/README.md`.", settings.partitions(),
                String.join(", ", settings.offeredRates().stream().map(Report::number).toList()),
                settings.explicitRates() ? ", given with `--rates`" : ", the default ladder",
                settings.startWarmupSeconds(), number(settings.startWarmupRate()), settings.warmupSeconds(),
                settings.measureSeconds(), settings.floorSeconds()));
        md.add("");
        md.add("User mixes:");
        md.add("");
        for (MixResult mix : mixes) {
            md.add("- **" + mix.mix() + "**: " + mix.users());
        }
        md.add("");

        md.add("## Targets");
        md.add("");
        md.add("| | target | measured | met |");
        md.add("|---|---|---|---|");
        for (Target target : targets) {
            md.add("| " + target.what() + " | " + target.target() + " | " + target.measured() + " | " + met(target) + " |");
        }
        md.add("");
        md.add("The exactly-once floor is " + settings.hops() + " hops relayed by bare kafka-clients in transactions on the "
                + "same broker, in the same run (see below); the user-visible latency adds the HTTP request and the "
                + "gateway's own hop to it, which the floor does not have.");
        md.add("");

        md.add("## What users see, step by step");
        md.add("");
        md.add("Each cell p50 / p90 / p99 / max. **sync**: `POST /v1/tenants/demo/messages?wait=" + settings.deadlineSeconds()
                + "` → its 200 answer with the reply. **SSE**: `POST /v1/tenants/demo/messages` (202) → the reply's event on "
                + "the session's open stream `GET /v1/tenants/demo/sessions/{sessionId}/replies`. **Kafka**: the gateway's "
                + "write to `turns.raw` → the reply visible on `replies.outbound` (read_committed). `errors`: sync "
                + "non-200 / 504 or HTTP timeout · SSE non-202 / HTTP timeout / no event by the deadline. "
                + "`CPU ms/turn`: all the stack's processes, per reply in the measured seconds.");
        md.add("");
        md.add("| mix | offered/s | sync | SSE | all users p99 | Kafka p50 / p99 | replies/s | errors | CPU ms/turn | verdict |");
        md.add("|---|---:|---|---|---:|---|---:|---|---:|---|");
        for (MixResult mix : mixes) {
            for (Step step : mix.steps()) {
                UserVisible user = step.user();
                md.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d / %d | %.1f | %s | %.2f | %s |", mix.mix(),
                        number(step.offeredPerSecond()), user.sync().brief(), user.stream().brief(),
                        user.all().count() == 0 ? "-" : String.valueOf(user.all().p99()),
                        step.switchboard().latency().p50(), step.switchboard().latency().p99(),
                        step.switchboard().repliesPerSecond(), user.errorsBrief() + " · " + step.switchboard().noReply(),
                        step.stackCpuMsPerTurn(), step.verdict()));
            }
        }
        md.add("");
        md.add("(The last number of `errors` counts turns on `turns.raw` with no reply on `replies.outbound` by the "
                + "deadline.) The mixes run one after the other, in the order shown: the first runs on the least warmed-up "
                + "stack.");
        md.add("");
        for (MixResult mix : mixes) {
            md.add(String.format(Locale.ROOT, "**Saturation point, %s users:** %s", mix.mix(),
                    mix.saturationPerSecond() == null ? "none of the steps was sustained."
                            : number(mix.saturationPerSecond()) + " turns/s, the highest step sustained with user-visible "
                                    + "p99 under 1 s and no errors" + stoppedAt(mix) + "; the true limit lies between it "
                                    + "and the next step."));
            md.add("");
        }

        md.add("## Idle");
        md.add("");
        if (idle == null) {
            md.add("Not measured in this run.");
        } else {
            md.add(String.format(Locale.ROOT, "The stack with no traffic for %d s, after the warm-up and before the load "
                    + "steps (the reply streams of the streaming users open, the benchmark's reader of the turns "
                    + "connected, the floors not started yet): CPU in percent of one core.", idle.seconds()));
            md.add("");
            md.add("| " + String.join(" | ", idle.cpuPercent().keySet()) + " | stack |");
            md.add("|" + "---:|".repeat(idle.cpuPercent().size() + 1));
            md.add("| " + String.join(" | ", idle.cpuPercent().values().stream()
                    .map(v -> String.format(Locale.ROOT, "%.1f %%", v)).toList())
                    + String.format(Locale.ROOT, " | **%.1f %%** |", idle.stackCpuPercent()));
            md.add("");
            md.add("`stack` is every process but `benchmark` (this JVM).");
        }
        md.add("");
        md.add("## Sequential turns");
        md.add("");
        if (sequential == null) {
            md.add("Not measured in this run.");
        } else {
            Latency l = sequential.latency();
            md.add(String.format(Locale.ROOT, "%d synchronous turns one after another (HTTP request → HTTP answer with the "
                            + "reply), after the warm-up and before the load steps, of returning users: p50 %d ms, p90 %d ms, "
                            + "p99 %d ms, max %d ms, %d errors.", sequential.turns(), l.p50(), l.p90(), l.p99(), l.max(),
                    sequential.errors()));
            md.add("");
            md.add("Where the time of these turns goes, hop by hop: each event carries the moment its writer made it "
                    + "(`occurredAt`), so a segment ends when the next service made its event and holds the previous "
                    + "service's commit, the broker's hand-over and the next service's own work (`HopTrace`).");
            md.add("");
            md.add("| segment | turns | p50 ms | p99 ms |");
            md.add("|---|---:|---:|---:|");
            for (HopTrace.Segment hop : sequential.hops()) {
                md.add(String.format(Locale.ROOT, "| %s | %d | %d | %d |", hop.name(), hop.count(), hop.p50(), hop.p99()));
            }
        }
        md.add("");

        md.add("## Switchboard against the floor");
        md.add("");
        md.add("Switchboard's turn on the broker (`turns.raw` → `replies.outbound`, read_committed) and what its users "
                + "see, against the floor a turn cannot beat on this broker: " + settings.hops() + " sequential hops, "
                + "relayed by bare kafka-clients consumers and producers, plain (`acks=all`, `linger.ms=0`) and "
                + "exactly-once (a transaction per polled batch, `read_committed`), under the same open-model load. "
                + "A ratio divides by at least 1 ms.");
        md.add("");
        md.add("| mix | offered/s | Kafka p50 | p99 | users p50 | p99 | floor p50 | p99 | EOS floor p50 | p99 "
                + "| **users / EOS p50** | **p99** | Kafka / floor p50 | p99 |");
        md.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (MixResult mix : mixes) {
            for (Step step : mix.steps()) {
                FloorResult floor = floors.stream().filter(f -> f.offeredPerSecond() == step.offeredPerSecond())
                        .findFirst().orElse(null);
                Latency kafka = step.switchboard().latency();
                Latency users = step.user().all();
                Latency plain = floor == null || floor.plain() == null ? null : floor.plain().latency();
                Latency eos = floor == null || floor.exactlyOnce() == null ? null : floor.exactlyOnce().latency();
                md.add(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %d | %s | %s | %s | %s | **%s** | **%s** | %s | %s |",
                        mix.mix(), number(step.offeredPerSecond()), kafka.p50(), kafka.p99(), users.p50(), users.p99(),
                        plain == null ? "-" : plain.p50(), plain == null ? "-" : plain.p99(),
                        eos == null ? "-" : eos.p50(), eos == null ? "-" : eos.p99(),
                        ratio(users.p50(), eos == null ? -1 : eos.p50()), ratio(users.p99(), eos == null ? -1 : eos.p99()),
                        ratio(kafka.p50(), plain == null ? -1 : plain.p50()), ratio(kafka.p99(), plain == null ? -1 : plain.p99())));
            }
        }
        md.add("");
        md.add("The plain floor's producers use `linger.ms=0` (no batching delay) and no transactions: the least a "
                + "record needs to cross the hops. The EOS floor commits one transaction per polled batch at each relay "
                + "(`read_committed`, `sendOffsetsToTransaction`), with no commit interval.");
        md.add("");

        md.add("## Every step on the broker");
        md.add("");
        md.add("`errors` = HTTP non-2xx / HTTP timeouts / no reply within the deadline (Switchboard: both kinds of "
                + "user together). `produced p50/p99`: to the last writer's send instead of to visibility (it leaves out "
                + "the wait for the last transaction to commit). `accept p99`: the gateway's 202 to the SSE users' "
                + "messages, from when the request was due. `machine CPU`: all cores, including anything else running "
                + "on the machine.");
        md.add("");
        md.add("| mix | offered/s | system | sent | replies/s | p50 | p90 | p99 | p99.9 | max | errors | produced p50/p99 "
                + "| accept p99 | machine CPU |");
        md.add("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
        List<String[]> rows = new ArrayList<>();
        for (MixResult mix : mixes) {
            for (Step step : mix.steps()) {
                rows.add(new String[] {mix.mix(), systemRow(step.switchboard())});
            }
        }
        for (FloorResult floor : floors) {
            for (SystemResult result : new SystemResult[] {floor.plain(), floor.exactlyOnce()}) {
                if (result != null) {
                    rows.add(new String[] {"-", systemRow(result)});
                }
            }
        }
        rows.forEach(row -> md.add("| " + row[0] + " " + row[1]));
        md.add("");

        md.add("## CPU per turn per process");
        md.add("");
        md.add("CPU milliseconds (user + system, from `/proc/<pid>/stat`, 10 ms ticks) over the measured seconds of a "
                + "step, divided by the replies that became visible in them. `stack` sums every process but `benchmark` "
                + "(the load generator, the latency readers and the SSE clients).");
        md.add("");
        Set<String> names = new LinkedHashSet<>();
        mixes.forEach(mix -> mix.steps().forEach(step -> names.addAll(step.cpuMsPerTurn().keySet())));
        md.add(idle == null ? "" : String.format(Locale.ROOT, "`above idle`: `stack` less the idle stack's CPU "
                + "(%.1f %% of one core) spread over the step's turns, i.e. what the turns themselves cost.",
                idle.stackCpuPercent()));
        md.add("");
        md.add("| mix | offered/s | " + String.join(" | ", names) + " | **stack** | above idle |");
        md.add("|---|---:|" + "---:|".repeat(names.size() + 2));
        for (MixResult mix : mixes) {
            for (Step step : mix.steps()) {
                StringBuilder row = new StringBuilder("| " + mix.mix() + " | " + number(step.offeredPerSecond()) + " |");
                for (String name : names) {
                    Double value = step.cpuMsPerTurn().get(name);
                    row.append(value == null ? " - |" : String.format(Locale.ROOT, " %.2f |", value));
                }
                row.append(String.format(Locale.ROOT, " **%.2f** |", step.stackCpuMsPerTurn()));
                row.append(idle == null ? " - |" : String.format(Locale.ROOT, " %.2f |",
                        step.stackCpuMsPerTurn() - idle.stackCpuPercent() * 10 / step.offeredPerSecond()));
                md.add(row.toString());
            }
        }
        md.add("");

        md.add("## CPU and memory per process");
        md.add("");
        md.add("CPU in percent of one core over the measured seconds (200 % = both cores), RSS in MiB at the end "
                + "(PostgreSQL: its processes' proportional set sizes summed).");
        md.add("");
        md.add("| mix | offered/s | system | " + String.join(" | ", names) + " |");
        md.add("|---|---:|---|" + "---:|".repeat(names.size()));
        List<String[]> usageRows = new ArrayList<>();
        for (MixResult mix : mixes) {
            for (Step step : mix.steps()) {
                usageRows.add(new String[] {mix.mix(), usageRow(step.switchboard(), names)});
            }
        }
        for (FloorResult floor : floors) {
            for (SystemResult result : new SystemResult[] {floor.plain(), floor.exactlyOnce()}) {
                if (result != null) {
                    usageRows.add(new String[] {"-", usageRow(result, names)});
                }
            }
        }
        usageRows.forEach(row -> md.add("| " + row[0] + " " + row[1]));
        md.add("");

        md.add("## Hot spots and waits");
        md.add("");
        if (profile == null) {
            md.add("Not profiled in this run.");
        } else {
            md.add(String.format(Locale.ROOT, "JDK Flight Recorder, attached with `jcmd`, for %d s while Switchboard took "
                            + "%s turns/s of %s users, after the measured steps: the JDK's `profile` settings with "
                            + "%s enabled from %s on. **CPU**: share of Java execution samples by top frame, by method "
                            + "and by library (first three package segments). **Waits**: the blocking events' durations "
                            + "summed (thread time: threads wait in parallel), by stack (the JDK frame that blocked ← the "
                            + "first three frames outside the JDK); waits of idle threads for work (pool workers, a "
                            + "broker's request handlers, timers: `JfrProfiler.IDLE_FRAMES`) are counted apart and not "
                            + "ranked. The `.jfr` files stay in the run directory.",
                    profile.seconds(), number(profile.offeredPerSecond()), profile.mix(),
                    String.join(", ", JfrProfiler.WALL_CLOCK_EVENTS.stream().map(e -> "`" + e + "`").toList()),
                    JfrProfiler.WALL_CLOCK_THRESHOLD));
            profile.processes().forEach((name, spots) -> {
                md.add("");
                md.add(String.format(Locale.ROOT, "### %s (%,d CPU samples)", name, spots.samples()));
                md.add("");
                md.add("| top methods (CPU) | % | | libraries | % |");
                md.add("|---|---:|---|---|---:|");
                int n = Math.max(spots.methods().size(), spots.libraries().size());
                for (int i = 0; i < n; i++) {
                    JfrProfiler.Share method = i < spots.methods().size() ? spots.methods().get(i) : null;
                    JfrProfiler.Share library = i < spots.libraries().size() ? spots.libraries().get(i) : null;
                    md.add(String.format(Locale.ROOT, "| %s | %s | | %s | %s |",
                            method == null ? "" : "`" + method.name() + "`", method == null ? "" : method.percent(),
                            library == null ? "" : "`" + library.name() + "`", library == null ? "" : library.percent()));
                }
                JfrProfiler.WallClock wall = spots.wallClock();
                if (wall != null) {
                    md.add("");
                    md.add("Waits: " + String.join("; ", wall.events().entrySet().stream()
                            .map(e -> String.format(Locale.ROOT, "`%s` %,d events, %,d ms (idle: %,d, %,d ms)",
                                    e.getKey().substring(4), e.getValue().count(), e.getValue().totalMs(),
                                    e.getValue().idleCount(), e.getValue().idleMs())).toList()) + ".");
                    md.add("");
                    md.add("| event | stack (blocked in ← waited for by) | events | total ms | max ms |");
                    md.add("|---|---|---:|---:|---:|");
                    for (JfrProfiler.Wait wait : wall.topStacks()) {
                        md.add(String.format(Locale.ROOT, "| %s | `%s` | %,d | %,d | %,d |", wait.event().substring(4),
                                wait.stack().replace("|", "\\|"), wait.count(), wait.totalMs(), wait.maxMs()));
                    }
                }
            });
        }
        md.add("");
        return String.join("\n", md);
    }

    private static String systemRow(SystemResult result) {
        Latency l = result.latency();
        return String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %d | %d | %d | %d | %d | %d / %d / %d | %d / %d | %s | %.0f %% |",
                number(result.offeredPerSecond()), result.system(), result.sent(), result.repliesPerSecond(), l.p50(),
                l.p90(), l.p99(), l.p999(), l.max(), result.refused(), result.timedOut(), result.noReply(),
                result.produced().p50(), result.produced().p99(),
                result.acceptP99Ms() < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", result.acceptP99Ms()),
                result.machineCpuPercent());
    }

    private static String usageRow(SystemResult result, Set<String> names) {
        StringBuilder row = new StringBuilder("| " + number(result.offeredPerSecond()) + " | " + result.system() + " |");
        for (String name : names) {
            ProcessSampler.Usage usage = result.processes().get(name);
            row.append(usage == null ? " - |" : String.format(Locale.ROOT, " %.0f %% / %d MiB |", usage.cpuPercent(), usage.rssMb()));
        }
        return row.toString();
    }

    private static String ratio(long value, long floor) {
        return floor < 0 ? "-" : number(Math.round(value * 10.0 / Math.max(1, floor)) / 10.0);
    }
}
