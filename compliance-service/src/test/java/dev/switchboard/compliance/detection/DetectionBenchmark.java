package dev.switchboard.compliance.detection;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Times {@link PiiDetector#detect} followed by {@link InjectionScreen#screen} per message, over the
 * evaluation dataset's sentences (chat and form messages of 10 to 800 characters), after a warm-up;
 * then each of the two alone. Prints percentiles and single-thread throughput; asserts nothing. Run:
 * <pre>
 * ./mvnw -q -pl compliance-service test-compile org.codehaus.mojo:exec-maven-plugin:3.6.4:java \
 *     -Dexec.mainClass=dev.switchboard.compliance.detection.DetectionBenchmark -Dexec.classpathScope=test
 * </pre>
 */
public final class DetectionBenchmark {

    private static final int WARM_UP_ROUNDS = 20;
    private static final int MEASURED_ROUNDS = 30;

    private DetectionBenchmark() {
    }

    public static void main(String[] args) {
        List<String> messages = PiiEvaluation.load().stream().map(PiiEvaluation.Sample::text).toList();
        PiiDetector detector = PiiDetector.defaults();
        InjectionScreen screen = InjectionScreen.defaults();
        System.out.printf("%d messages (mean %.0f chars, max %d), %d warm-up and %d measured rounds, one thread%n",
                messages.size(), messages.stream().mapToInt(String::length).average().orElse(0),
                messages.stream().mapToInt(String::length).max().orElse(0), WARM_UP_ROUNDS, MEASURED_ROUNDS);
        measure("detect + screen", messages, m -> detector.detect(m).size() + screen.screen(m).size());
        measure("detect", messages, m -> detector.detect(m).size());
        measure("screen", messages, m -> screen.screen(m).size());
    }

    private static void measure(String label, List<String> messages, ToIntFunction<String> work) {
        long sink = 0;
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            for (String message : messages) {
                sink += work.applyAsInt(message);
            }
        }
        long[] nanos = new long[messages.size() * MEASURED_ROUNDS];
        int n = 0;
        long started = System.nanoTime();
        for (int round = 0; round < MEASURED_ROUNDS; round++) {
            for (String message : messages) {
                long t = System.nanoTime();
                sink += work.applyAsInt(message);
                nanos[n++] = System.nanoTime() - t;
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Arrays.sort(nanos);
        System.out.printf("%-16s p50 %7.1f us  p99 %7.1f us  p99.9 %7.1f us  max %8.1f us  %7.0f msg/s  (%d)%n",
                label, percentile(nanos, 0.50), percentile(nanos, 0.99), percentile(nanos, 0.999),
                nanos[nanos.length - 1] / 1e3, nanos.length / seconds, sink);
    }

    private static double percentile(long[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)] / 1e3;
    }
}
