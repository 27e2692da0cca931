package dev.switchboard.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Profiles running JVMs with JDK Flight Recorder, attached with {@code jcmd} (no restart, no JVM options):
 * {@code JFR.start} with a copy of the JDK's {@code profile} settings (a Java stack sample every 10 ms per running
 * thread) in which the wall-clock events {@link #WALL_CLOCK_EVENTS} (socket reads and writes, parks, monitor enters
 * and waits) are recorded with their stacks from {@link #WALL_CLOCK_THRESHOLD} on (the JDK's file: 10 ms), then
 * {@code JFR.stop} writes the recording, which is read here.
 *
 * <p>CPU: a sample's top frame is where the CPU was; its package tells which library. Wall clock: the blocking
 * events' durations summed by stack, i.e. where threads waited (on a socket, a lock, a future, a queue). A thread
 * pool's idle workers waiting for work would swamp that sum and say nothing about a turn, so events whose stack
 * shows an idle wait for work ({@link #IDLE_FRAMES}) are counted apart and not ranked.
 */
final class JfrProfiler {

    private static final String RECORDING = "switchboard-benchmark";

    static final List<String> WALL_CLOCK_EVENTS = List.of("jdk.SocketRead", "jdk.SocketWrite", "jdk.ThreadPark",
            "jdk.JavaMonitorEnter", "jdk.JavaMonitorWait");
    static final String WALL_CLOCK_THRESHOLD = "1 ms";

    /**
     * Frames that mark a thread waiting for work rather than for something a turn needs, wherever they are in the
     * stack: an idle pool worker, an event loop's task queue, a broker thread waiting for the next request, a
     * timer's wheel, a consumer's background heartbeat.
     */
    static final List<String> IDLE_FRAMES = List.of(
            "java.util.concurrent.ThreadPoolExecutor.getTask",
            "java.util.concurrent.ForkJoinPool.awaitWork",
            "java.util.concurrent.ScheduledThreadPoolExecutor$DelayedWorkQueue.take",
            "io.netty.util.concurrent.SingleThreadEventExecutor.takeTask",
            "io.netty.util.concurrent.GlobalEventExecutor.takeTask",
            "kafka.network.RequestChannel.receiveRequest",
            "org.apache.kafka.server.util.timer.SystemTimer.advanceClock",
            "org.apache.kafka.server.util.timer.SystemTimerReaper$Reaper.doWork",
            "org.apache.kafka.server.util.ShutdownableThread.pause",
            "org.apache.kafka.clients.consumer.internals.AbstractCoordinator$HeartbeatThread.run",
            "java.lang.ref.Reference.waitForReferencePendingList",
            "java.lang.ref.ReferenceQueue.remove",
            "java.util.TimerThread.mainLoop");

    /** Frames that mark an idle wait for work when they are the first frame outside the JDK (the pool's own loop). */
    static final List<String> IDLE_LOOPS = List.of(
            "org.jboss.threads.EnhancedQueueExecutor$ThreadBody.run",
            "org.apache.kafka.queue.KafkaEventQueue$EventHandler.run");

    /** The most sampled methods and libraries of one process, and where its threads waited. */
    record HotSpots(long samples, List<Share> methods, List<Share> libraries, WallClock wallClock) {
    }

    record Share(String name, double percent) {
    }

    /**
     * Blocking events of one process: per event type, count and summed milliseconds (idle waits for work apart);
     * the stacks with the most summed milliseconds, idle waits left out.
     */
    record WallClock(Map<String, EventTotal> events, List<Wait> topStacks) {
    }

    record EventTotal(long count, long totalMs, long idleCount, long idleMs) {
    }

    /** One stack of one event type: how often and how long threads blocked there, in all. */
    record Wait(String event, String stack, long count, long totalMs, long maxMs) {
    }

    private final Map<String, Long> pids;
    private final Path directory;

    JfrProfiler(Map<String, Long> pids, Path directory) {
        this.pids = pids;
        this.directory = directory;
    }

    void start() throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path settings = writeSettings(directory.resolve("profile-wall-clock.jfc"));
        for (var process : pids.entrySet()) {
            jcmd(process.getValue(), "JFR.start", "name=" + RECORDING, "settings=" + settings.toAbsolutePath());
        }
    }

    /** The JDK's {@code profile.jfc} with the wall-clock events enabled, with stacks, from the threshold on. */
    static Path writeSettings(Path file) throws IOException {
        String jfc = Files.readString(Path.of(System.getProperty("java.home"), "lib", "jfr", "profile.jfc"));
        for (String event : WALL_CLOCK_EVENTS) {
            int from = jfc.indexOf("<event name=\"" + event + "\">");
            if (from < 0) {
                continue;
            }
            int to = jfc.indexOf("</event>", from);
            String block = jfc.substring(from, to)
                    .replaceAll("(<setting name=\"threshold\"[^>]*>)[^<]*(</setting>)", "$1" + WALL_CLOCK_THRESHOLD + "$2")
                    .replaceAll("(<setting name=\"enabled\"[^>]*>)[^<]*(</setting>)", "$1true$2")
                    .replaceAll("(<setting name=\"stackTrace\"[^>]*>)[^<]*(</setting>)", "$1true$2");
            jfc = jfc.substring(0, from) + block + jfc.substring(to);
        }
        Files.writeString(file, jfc);
        return file;
    }

    /** Stops every recording and returns the hot spots by process name. */
    Map<String, HotSpots> stop(int top) throws IOException, InterruptedException {
        Map<String, HotSpots> hotSpots = new LinkedHashMap<>();
        for (var process : pids.entrySet()) {
            Path file = directory.resolve(process.getKey() + ".jfr");
            Files.deleteIfExists(file);
            jcmd(process.getValue(), "JFR.stop", "name=" + RECORDING, "filename=" + file);
            if (Files.isRegularFile(file)) {
                hotSpots.put(process.getKey(), read(file, top));
            }
        }
        return hotSpots;
    }

    static HotSpots read(Path file, int top) throws IOException {
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> libraries = new HashMap<>();
        Map<String, long[]> eventTotals = new LinkedHashMap<>();
        WALL_CLOCK_EVENTS.forEach(name -> eventTotals.put(name, new long[4]));
        Map<List<String>, long[]> stacks = new HashMap<>();
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            String eventName = event.getEventType().getName();
            long[] totals = eventTotals.get(eventName);
            if (totals != null) {
                long nanos = event.getDuration().toNanos();
                List<RecordedFrame> frames = event.getStackTrace() == null ? List.of() : event.getStackTrace().getFrames();
                if (idle(frames)) {
                    totals[2]++;
                    totals[3] += nanos;
                } else {
                    totals[0]++;
                    totals[1] += nanos;
                    long[] stack = stacks.computeIfAbsent(List.of(eventName, stackKey(frames)), k -> new long[3]);
                    stack[0]++;
                    stack[1] += nanos;
                    stack[2] = Math.max(stack[2], nanos);
                }
                continue;
            }
            if (!eventName.equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame frame = event.getStackTrace().getFrames().get(0);
            String type = frame.getMethod().getType().getName();
            samples++;
            methods.merge(type + "." + frame.getMethod().getName(), 1L, Long::sum);
            libraries.merge(library(type), 1L, Long::sum);
        }
        Map<String, EventTotal> events = new LinkedHashMap<>();
        eventTotals.forEach((name, t) -> events.put(name, new EventTotal(t[0], t[1] / 1_000_000, t[2], t[3] / 1_000_000)));
        List<Wait> topStacks = stacks.entrySet().stream()
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(top)
                .map(e -> new Wait(e.getKey().get(0), e.getKey().get(1), e.getValue()[0], e.getValue()[1] / 1_000_000,
                        e.getValue()[2] / 1_000_000))
                .toList();
        return new HotSpots(samples, topShares(methods, samples, top), topShares(libraries, samples, top),
                new WallClock(events, topStacks));
    }

    private static boolean idle(List<RecordedFrame> frames) {
        boolean outside = false;
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (IDLE_FRAMES.contains(name)) {
                return true;
            }
            if (!outside && !jdk(name)) {
                outside = true;
                if (IDLE_LOOPS.contains(name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * A stack in short: the JDK frame that blocked, then the first three frames outside the JDK (the code that
     * waited), innermost first.
     */
    static String stackKey(List<RecordedFrame> frames) {
        if (frames.isEmpty()) {
            return "(no stack)";
        }
        List<String> parts = new java.util.ArrayList<>();
        parts.add(name(frames.get(0)));
        int outside = 0;
        for (RecordedFrame frame : frames) {
            String name = name(frame);
            if (jdk(name)) {
                continue;
            }
            if (!parts.contains(name)) {
                parts.add(name);
            }
            if (++outside == 3) {
                break;
            }
        }
        return String.join(" ← ", parts);
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }

    private static boolean jdk(String name) {
        return name.startsWith("java.") || name.startsWith("jdk.") || name.startsWith("sun.");
    }

    /** The first three package segments ({@code org.apache.kafka}, {@code io.vertx.core}, {@code java.util}). */
    static String library(String type) {
        String[] parts = type.split("\\.");
        int segments = Math.min(3, parts.length - 1);
        return segments <= 0 ? type : String.join(".", List.of(parts).subList(0, segments));
    }

    private static List<Share> topShares(Map<String, Long> counts, long total, int top) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(top)
                .map(e -> new Share(e.getKey(), Math.round(e.getValue() * 1000.0 / total) / 10.0))
                .toList();
    }

    private static void jcmd(long pid, String... command) throws IOException, InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> line = new java.util.ArrayList<>(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
                String.valueOf(pid)));
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            System.err.println("jcmd " + pid + " " + String.join(" ", command) + " did not finish");
        }
    }
}
