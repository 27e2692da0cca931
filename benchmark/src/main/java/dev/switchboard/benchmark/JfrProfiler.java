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
 * {@code JFR.start} with the {@code profile} settings (a Java stack sample every 10 ms per running thread),
 * then {@code JFR.stop} writes the recording, which is read here. A sample's top frame is where the CPU
 * was; its package tells which library.
 */
final class JfrProfiler {

    private static final String RECORDING = "switchboard-benchmark";

    /** The most sampled methods and libraries of one process. */
    record HotSpots(long samples, List<Share> methods, List<Share> libraries) {
    }

    record Share(String name, double percent) {
    }

    private final Map<String, Long> pids;
    private final Path directory;

    JfrProfiler(Map<String, Long> pids, Path directory) {
        this.pids = pids;
        this.directory = directory;
    }

    void start() throws IOException, InterruptedException {
        Files.createDirectories(directory);
        for (var process : pids.entrySet()) {
            jcmd(process.getValue(), "JFR.start", "name=" + RECORDING, "settings=profile");
        }
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
        long samples = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
                    || event.getStackTrace().getFrames().isEmpty()) {
                continue;
            }
            RecordedFrame frame = event.getStackTrace().getFrames().get(0);
            String type = frame.getMethod().getType().getName();
            samples++;
            methods.merge(type + "." + frame.getMethod().getName(), 1L, Long::sum);
            libraries.merge(library(type), 1L, Long::sum);
        }
        return new HotSpots(samples, topShares(methods, samples, top), topShares(libraries, samples, top));
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
