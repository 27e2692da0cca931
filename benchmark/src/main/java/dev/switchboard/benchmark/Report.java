package dev.switchboard.benchmark;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.HdrHistogram.Histogram;

/**
 * The results of one run: both systems at each offered rate, their ratio, the highest rate Switchboard
 * sustains, resources per process and the profiled hot spots; printed as a table and written as
 * {@code benchmarks.json} and {@code benchmarks.md}.
 */
record Report(Environment environment, Settings settings, List<RateResult> rates, Sustained maxSustained,
        Profile profile, double wallSeconds) {

    /** Percentiles in milliseconds of the turns of one step. */
    record Latency(long count, long p50, long p90, long p99, long p999, long max) {

        static Latency of(Histogram histogram) {
            return new Latency(histogram.getTotalCount(), histogram.getValueAtPercentile(50),
                    histogram.getValueAtPercentile(90), histogram.getValueAtPercentile(99),
                    histogram.getValueAtPercentile(99.9), histogram.getMaxValue());
        }
    }

    /**
     * One system at one offered rate.
     *
     * @param latency     first record written → last record visible to a read_committed reader (the headline)
     * @param produced    first record written → last record sent by its writer (before any commit wait)
     * @param noReply     turns of the step still unanswered {@code deadline} seconds after the step's last send
     * @param acceptP99Ms for Switchboard, the HTTP answer (202) from when the request was due
     */
    record SystemResult(String system, double offeredPerSecond, long sent, long accepted, long refused, long timedOut,
            long noReply, double repliesPerSecond, Latency latency, Latency produced, double acceptP99Ms,
            double machineCpuPercent, Map<String, ProcessSampler.Usage> processes) {

        long errors() {
            return refused + timedOut + noReply;
        }

        boolean sustained() {
            return errors() == 0 && latency.p99() < 1000 && repliesPerSecond >= 0.95 * offeredPerSecond;
        }

        boolean saturated() {
            return repliesPerSecond < 0.9 * offeredPerSecond || errors() > sent / 100 || latency.p99() > 5000;
        }
    }

    /** Both systems at one rate; a ratio is Switchboard's percentile over the floor's (a floor of 0 ms counts as 1 ms). */
    record RateResult(double offeredPerSecond, SystemResult switchboard, SystemResult floor, SystemResult floorExactlyOnce,
            double p50Ratio, double p99Ratio, double p50RatioExactlyOnce, double p99RatioExactlyOnce) {

        static RateResult of(SystemResult switchboard, SystemResult floor, SystemResult floorExactlyOnce) {
            return new RateResult(switchboard.offeredPerSecond(), switchboard, floor, floorExactlyOnce,
                    ratio(switchboard.latency().p50(), floor == null ? -1 : floor.latency().p50()),
                    ratio(switchboard.latency().p99(), floor == null ? -1 : floor.latency().p99()),
                    ratio(switchboard.latency().p50(), floorExactlyOnce == null ? -1 : floorExactlyOnce.latency().p50()),
                    ratio(switchboard.latency().p99(), floorExactlyOnce == null ? -1 : floorExactlyOnce.latency().p99()));
        }

        private static double ratio(long value, long floor) {
            return floor < 0 ? Double.NaN : Math.round(value * 10.0 / Math.max(1, floor)) / 10.0;
        }
    }

    record Sustained(double offeredPerSecond, double repliesPerSecond, long p99Ms) {
    }

    record Profile(double offeredPerSecond, int seconds, Map<String, JfrProfiler.HotSpots> processes) {
    }

    record Environment(String date, int cores, String cpu, long memoryMb, String os, String java, String switchboard,
            String commit, String quarkus, String kafka) {
    }

    record Settings(int sessions, int partitions, int hops, int warmupSeconds, int measureSeconds, int floorSeconds,
            int deadlineSeconds, List<Double> offeredRates, String command) {
    }

    // ---------------------------------------------------------------- console

    void print(PrintStream out) {
        out.println();
        out.printf(Locale.ROOT, "%-8s | %-22s | %-22s | %-22s | %-11s | %s%n", "offered", "Switchboard p50/p99 ms",
                "floor p50/p99 ms", "floor EOS p50/p99 ms", "ratio p50/99", "Switchboard replies/s, errors");
        for (RateResult rate : rates) {
            out.printf(Locale.ROOT, "%-8s | %-22s | %-22s | %-22s | %-11s | %.1f, %d%n", number(rate.offeredPerSecond()),
                    pair(rate.switchboard()), pair(rate.floor()), pair(rate.floorExactlyOnce()),
                    number(rate.p50Ratio()) + " / " + number(rate.p99Ratio()),
                    rate.switchboard().repliesPerSecond(), rate.switchboard().errors());
        }
        out.println(maxSustained == null ? "No offered rate was sustained with p99 under 1 s."
                : String.format(Locale.ROOT, "Max sustained: %s turns/s offered, %.1f replies/s, p99 %d ms",
                        number(maxSustained.offeredPerSecond()), maxSustained.repliesPerSecond(), maxSustained.p99Ms()));
    }

    private static String pair(SystemResult result) {
        return result == null ? "-" : result.latency().p50() + " / " + result.latency().p99();
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        return value == Math.rint(value) ? String.valueOf((long) value) : String.format(Locale.ROOT, "%.1f", value);
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
        md.add("# Benchmark: Switchboard's overhead per turn against bare Kafka hops");
        md.add("");
        md.add(String.format(Locale.ROOT, "Run on %s: %d cores (%s), %,d MiB of memory, %s, Java %s. Switchboard %s "
                        + "(commit %s), Quarkus %s, Kafka %s. The whole run took %.0f s.", env.date(), env.cores(), env.cpu(),
                env.memoryMb(), env.os(), env.java(), env.switchboard(), env.commit(), env.quarkus(), env.kafka(), wallSeconds));
        md.add("");
        md.add(String.format(Locale.ROOT, "Command: `%s`", settings.command()));
        md.add("");
        md.add(String.format(Locale.ROOT, "Open-model load over %,d sessions (web chat users), offered at fixed rates; "
                        + "each step: %d s warm-up (not counted), %d s measured for Switchboard and %d s for each floor. "
                        + "%d topic partitions, offline model (no think time). A turn is timed from the gateway's write of "
                        + "its `TurnReceived` to its `ReplyOutbound` being visible to a `read_committed` reader of "
                        + "`replies.outbound`; the floor from the write of its first record to its record on the last of "
                        + "%d relayed hops being visible the same way. Every Kafka client, the floor's relays included, "
                        + "authenticates to the broker with SASL/SCRAM-SHA-512; the gateway's per-tenant ingress limits are "
                        + "lifted (the benchmark measures the runtime, not the limiter). Latencies in ms. See "
                        + "`benchmark/README.md`.",
                settings.sessions(), settings.warmupSeconds(), settings.measureSeconds(), settings.floorSeconds(),
                settings.partitions(), settings.hops()));
        md.add("");
        md.add("## Switchboard against the floor");
        md.add("");
        md.add("| offered turns/s | Switchboard p50 | p99 | floor p50 | p99 | **ratio p50** | **ratio p99** "
                + "| floor EOS p50 | p99 | ratio to EOS p50 | p99 |");
        md.add("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (RateResult rate : rates) {
            md.add(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | **%s** | **%s** | %s | %s | %s | %s |",
                    number(rate.offeredPerSecond()), rate.switchboard().latency().p50(), rate.switchboard().latency().p99(),
                    p(rate.floor(), true), p(rate.floor(), false), number(rate.p50Ratio()), number(rate.p99Ratio()),
                    p(rate.floorExactlyOnce(), true), p(rate.floorExactlyOnce(), false),
                    number(rate.p50RatioExactlyOnce()), number(rate.p99RatioExactlyOnce())));
        }
        md.add("");
        md.add(maxSustained == null
                ? "**Maximum sustained rate:** none of the offered rates was sustained with p99 under 1 s and no errors."
                : String.format(Locale.ROOT, "**Maximum sustained rate with p99 under 1 s:** %s turns/s offered, "
                                + "%.1f replies/s achieved, p99 %d ms, no errors (the highest offered rate that met it; the "
                                + "true limit lies between it and the next step).", number(maxSustained.offeredPerSecond()),
                        maxSustained.repliesPerSecond(), maxSustained.p99Ms()));
        md.add("");
        md.add("The plain floor's producers use `linger.ms=0` (no batching delay) and no transactions: the least a "
                + "record needs to cross the hops. The EOS floor commits one transaction per polled batch at each relay "
                + "(`read_committed`, `sendOffsetsToTransaction`), with no commit interval; Switchboard's Kafka Streams "
                + "services (supervisor, memory) commit every 20 ms (polling every 10 ms), agent-service once per polled batch, and compliance "
                + "once per record (one audit row in PostgreSQL and one Kafka transaction, one record at a time per "
                + "channel).");
        md.add("");
        md.add("## Every step");
        md.add("");
        md.add("`errors` = HTTP non-2xx / HTTP timeouts / no reply within the deadline. `produced p50/p99`: to the "
                + "last writer's send instead of to visibility (it leaves out the wait for the last transaction to commit). "
                + "`accept p99`: the gateway's HTTP answer, from when the request was due. `machine CPU`: all cores, "
                + "including anything else running on the machine.");
        md.add("");
        md.add("| offered/s | system | sent | replies/s | p50 | p90 | p99 | p99.9 | max | errors | produced p50/p99 "
                + "| accept p99 | machine CPU |");
        md.add("|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---:|");
        for (RateResult rate : rates) {
            for (SystemResult result : results(rate)) {
                Latency l = result.latency();
                md.add(String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %d | %d | %d | %d | %d | %d / %d / %d | %d / %d | %s | %.0f %% |",
                        number(result.offeredPerSecond()), result.system(), result.sent(), result.repliesPerSecond(),
                        l.p50(), l.p90(), l.p99(), l.p999(), l.max(), result.refused(), result.timedOut(), result.noReply(),
                        result.produced().p50(), result.produced().p99(),
                        result.acceptP99Ms() < 0 ? "-" : String.format(Locale.ROOT, "%.1f ms", result.acceptP99Ms()),
                        result.machineCpuPercent()));
            }
        }
        md.add("");
        md.add("## CPU and memory per process");
        md.add("");
        md.add("CPU in percent of one core over the measured seconds (200 % = both cores), RSS in MiB at the end "
                + "(PostgreSQL: its processes' proportional set sizes summed). `benchmark` is the load generator, the "
                + "latency readers and the floor relays.");
        md.add("");
        List<String> names = rates.isEmpty() ? List.of() : List.copyOf(rates.get(0).switchboard().processes().keySet());
        md.add("| offered/s | system | " + String.join(" | ", names) + " |");
        md.add("|---:|---|" + "---:|".repeat(names.size()));
        for (RateResult rate : rates) {
            for (SystemResult result : results(rate)) {
                StringBuilder row = new StringBuilder("| " + number(result.offeredPerSecond()) + " | " + result.system() + " |");
                for (String name : names) {
                    ProcessSampler.Usage usage = result.processes().get(name);
                    row.append(usage == null ? " - |" : String.format(Locale.ROOT, " %.0f %% / %d MiB |", usage.cpuPercent(), usage.rssMb()));
                }
                md.add(row.toString());
            }
        }
        md.add("");
        md.add("## Hot spots");
        md.add("");
        if (profile == null) {
            md.add("Not profiled in this run.");
        } else {
            md.add(String.format(Locale.ROOT, "JDK Flight Recorder (`profile` settings, attached with `jcmd`) for %d s while "
                            + "Switchboard took %s turns/s, after the measured steps. Share of Java execution samples by top "
                            + "frame: where the CPU was, by method and by library (first three package segments).",
                    profile.seconds(), number(profile.offeredPerSecond())));
            profile.processes().forEach((name, spots) -> {
                md.add("");
                md.add(String.format(Locale.ROOT, "### %s (%,d samples)", name, spots.samples()));
                md.add("");
                md.add("| top methods | % | | libraries | % |");
                md.add("|---|---:|---|---|---:|");
                int rows = Math.max(spots.methods().size(), spots.libraries().size());
                for (int i = 0; i < rows; i++) {
                    JfrProfiler.Share method = i < spots.methods().size() ? spots.methods().get(i) : null;
                    JfrProfiler.Share library = i < spots.libraries().size() ? spots.libraries().get(i) : null;
                    md.add(String.format(Locale.ROOT, "| %s | %s | | %s | %s |",
                            method == null ? "" : "`" + method.name() + "`", method == null ? "" : method.percent(),
                            library == null ? "" : "`" + library.name() + "`", library == null ? "" : library.percent()));
                }
            });
        }
        md.add("");
        return String.join("\n", md);
    }

    private static List<SystemResult> results(RateResult rate) {
        List<SystemResult> results = new ArrayList<>();
        results.add(rate.switchboard());
        if (rate.floor() != null) {
            results.add(rate.floor());
        }
        if (rate.floorExactlyOnce() != null) {
            results.add(rate.floorExactlyOnce());
        }
        return results;
    }

    private static String p(SystemResult result, boolean p50) {
        return result == null ? "-" : String.valueOf(p50 ? result.latency().p50() : result.latency().p99());
    }
}
