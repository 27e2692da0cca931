package dev.switchboard.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU and memory of the processes under test, read from Linux's {@code /proc}: CPU time is
 * {@code utime + stime} of {@code /proc/<pid>/stat} (in clock ticks of 1/100 s), memory the resident set
 * ({@code VmRSS} of {@code /proc/<pid>/status}). A process with children (PostgreSQL's postmaster and its
 * backends, agent-service and its tool processes) counts as the group with all its descendants: CPU summed (with the CPU time of ended children, {@code cutime + cstime}), memory as the sum of proportional set sizes
 * ({@code Pss} of {@code smaps_rollup}), so that shared buffers are not counted once per backend.
 */
final class ProcessSampler {

    private static final double TICKS_PER_SECOND = 100.0;

    /** CPU time and resident memory of each watched process at one moment, plus the machine's CPU counters. */
    record Snapshot(long nanoTime, Map<String, long[]> ticksAndRssKb, long machineBusy, long machineTotal) {
    }

    /**
     * Use over an interval: CPU in percent of one core (200 = both cores of a 2-core machine) and in milliseconds
     * (to the clock tick, 10 ms), RSS in MiB at its end.
     */
    record Usage(double cpuPercent, long cpuMs, long rssMb) {
    }

    private final Map<String, Long> pids;
    private final List<String> groups;

    /**
     * @param pids   process ids by name
     * @param groups names whose process is counted with its descendants
     */
    ProcessSampler(Map<String, Long> pids, List<String> groups) {
        this.pids = new LinkedHashMap<>(pids);
        this.groups = List.copyOf(groups);
    }

    Snapshot snapshot() {
        Map<String, long[]> values = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            List<Long> members = new ArrayList<>(List.of(pid));
            if (groups.contains(name)) {
                members.addAll(children(pid));
            }
            long ticks = 0;
            long rss = 0;
            if (groups.contains(name)) {
                // Backends that ended since: their CPU time is in the parent's cutime + cstime.
                ticks += childrenTicks(pid);
            }
            for (long member : members) {
                ticks += cpuTicks(member);
                rss += groups.contains(name) ? kilobytes(member, "smaps_rollup", "Pss:") : kilobytes(member, "status", "VmRSS:");
            }
            values.put(name, new long[] {ticks, rss});
        });
        long[] machine = machineTicks();
        return new Snapshot(System.nanoTime(), values, machine[0], machine[1]);
    }

    /** Per process, between two snapshots. */
    static Map<String, Usage> between(Snapshot from, Snapshot to) {
        double seconds = (to.nanoTime() - from.nanoTime()) / 1e9;
        Map<String, Usage> usage = new LinkedHashMap<>();
        to.ticksAndRssKb().forEach((name, end) -> {
            long[] start = from.ticksAndRssKb().getOrDefault(name, end);
            double cpu = (end[0] - start[0]) / TICKS_PER_SECOND / seconds * 100;
            long cpuMs = Math.round((end[0] - start[0]) * 1000 / TICKS_PER_SECOND);
            usage.put(name, new Usage(Math.round(cpu * 10) / 10.0, cpuMs, end[1] / 1024));
        });
        return usage;
    }

    /** The whole machine's busy share between two snapshots, in percent of all its cores. */
    static double machineBusyPercent(Snapshot from, Snapshot to) {
        long total = to.machineTotal() - from.machineTotal();
        return total <= 0 ? 0 : Math.round((to.machineBusy() - from.machineBusy()) * 1000.0 / total) / 10.0;
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static long childrenTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static long kilobytes(long pid, String file, String field) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", String.valueOf(pid), file))) {
            return lines.filter(line -> line.startsWith(field)).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .orElse(0L);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    private static List<Long> children(long pid) {
        return ProcessHandle.of(pid).map(process -> process.descendants().map(ProcessHandle::pid).toList())
                .orElse(List.of());
    }

    /** Busy and total jiffies of all cores from the first line of {@code /proc/stat}. */
    private static long[] machineTicks() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
            String[] cpu = lines.findFirst().orElseThrow().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < cpu.length; i++) {
                total += Long.parseLong(cpu[i]);
            }
            long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }
}
