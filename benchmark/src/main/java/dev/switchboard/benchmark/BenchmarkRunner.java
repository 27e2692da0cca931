package dev.switchboard.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;

/**
 * Measures Switchboard's latency per turn against the floor of bare Kafka hops, on one broker, in one run.
 *
 * <p>It starts the local stack (PostgreSQL, a broker process, the five packaged services; offline model)
 * on free ports (API and management) with a fresh data directory, the gateway's per-tenant ingress limits lifted
 * (it measures the runtime, not the limiter), starts two floors on the same broker (plain and
 * exactly-once relays over as many hops as a turn makes), and then, for each offered rate in turn,
 * measures Switchboard, the plain floor and the exactly-once floor under the same open-model load. It
 * stops stepping up once Switchboard saturates, profiles the services and the broker with JFR at the highest
 * rate that did not saturate them, and writes the report.
 *
 * <p>Every Kafka client of the benchmark connects to the SASL/SCRAM broker as the super user {@code admin}, so the
 * floor's relays authenticate as the services do.
 *
 * <p>Usage: {@code BenchmarkRunner [--rates 10,20,30] [--sessions 5000] [--seconds 20] [--floor-seconds 10]
 * [--warmup 5] [--deadline 10] [--profile-seconds 20] [--out docs] [--no-profile]}
 */
public final class BenchmarkRunner {

    /** Relay hops of a turn: turns.raw → turns.cleared → agent.&lt;id&gt;.tasks → agent.results.raw → agent.results.cleared → replies.outbound. */
    static final int TURN_HOPS = 5;

    private static final String TEXT = "Hello, could you help me with my order, please?";
    private static final List<String> SERVICES = List.of("gateway-service", "compliance-service", "supervisor-service",
            "agent-service", "memory-service");
    /**
     * The gateway's per-tenant ingress limits, lifted far above any offered rate: the benchmark measures the
     * runtime, not the limiter (whose default of 20 messages/s, burst 40, would refuse most of the load).
     */
    static final Map<String, String> UNLIMITED_GATEWAY = Map.of(
            "switchboard.gateway.limits.messages-per-second", "100000",
            "switchboard.gateway.limits.messages-burst", "100000",
            "switchboard.gateway.limits.reply-streams-per-tenant", "100000");

    private final Options options;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private LocalStack stack;
    private URI messages;
    private ProcessSampler sampler;
    private long sequence;

    private BenchmarkRunner(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        BenchmarkRunner runner = new BenchmarkRunner(options);
        Runtime.getRuntime().addShutdownHook(new Thread(runner::stopStack));
        try {
            runner.run();
        } finally {
            runner.stopStack();
            runner.clock.shutdownNow();
        }
        System.exit(0);
    }

    private void run() throws Exception {
        long began = System.nanoTime();
        Path root = options.root();
        Path home = root.resolve("benchmark/target/run-" + System.currentTimeMillis());
        // Broker, controller, PostgreSQL, then API and management ports of gateway, compliance, supervisor, agent, memory.
        int[] ports = freePorts(13);
        LocalSettings settings = new LocalSettings(root, home, ports[0], ports[1], ports[2],
                LocalSettings.services(Arrays.copyOfRange(ports, 3, 8), Arrays.copyOfRange(ports, 8, 13)),
                Topics.DEFAULT_PARTITIONS, List.of("concierge", "billing-agent", "tech-support"))
                .withProperties("gateway-service", UNLIMITED_GATEWAY);
        log("starting the stack in %s", home);
        stack = LocalStack.start(settings);
        log("stack ready after %.0f s", seconds(began));
        messages = URI.create("http://localhost:" + settings.port("gateway-service") + "/v1/tenants/"
                + LocalStack.DEMO_TENANT + "/messages");

        Map<String, Long> pids = new LinkedHashMap<>(stack.processIds());
        pids.put("benchmark", ProcessHandle.current().pid());
        sampler = new ProcessSampler(pids, List.of("postgresql"));
        // Every Kafka client of the benchmark: bootstrap and SASL/SCRAM settings of the super user.
        Map<String, Object> kafka = stack.clientProperties(BrokerAccess.ADMIN);

        List<Report.RateResult> results = new ArrayList<>();
        Report.Sustained sustained = null;
        Report.Profile profile = null;
        double busiestUnsaturated = options.rates().get(0);
        try (KafkaHopFloor plain = KafkaHopFloor.start(KafkaHopFloor.Mode.PLAIN, kafka, settings.partitions(), TURN_HOPS);
                KafkaHopFloor exactlyOnce = KafkaHopFloor.start(KafkaHopFloor.Mode.EXACTLY_ONCE, kafka,
                        settings.partitions(), TURN_HOPS);
                TurnLatencyRecorder switchboardTurns = switchboardRecorder(kafka);
                TurnLatencyRecorder plainTurns = floorRecorder(plain, kafka);
                TurnLatencyRecorder exactlyOnceTurns = floorRecorder(exactlyOnce, kafka)) {

            double first = options.rates().get(0);
            log("warming up for %d s at %s turns/s", options.warmupSeconds() * 3, first);
            warmUp(first, options.warmupSeconds() * 3, this::postTurn);
            warmUp(first, options.warmupSeconds(), seq -> sendToFloor(plain, seq));
            warmUp(first, options.warmupSeconds(), seq -> sendToFloor(exactlyOnce, seq));
            quiesce(switchboardTurns);

            for (double rate : options.rates()) {
                Report.SystemResult switchboard = measure("switchboard", rate, options.measureSeconds(), switchboardTurns,
                        this::postTurn);
                quiesce(switchboardTurns);
                Report.SystemResult floor = measure("floor", rate, options.floorSeconds(), plainTurns,
                        seq -> sendToFloor(plain, seq));
                Report.SystemResult floorExactlyOnce = measure("floor-eos", rate, options.floorSeconds(), exactlyOnceTurns,
                        seq -> sendToFloor(exactlyOnce, seq));
                results.add(Report.RateResult.of(switchboard, floor, floorExactlyOnce));
                if (switchboard.sustained()) {
                    sustained = new Report.Sustained(rate, switchboard.repliesPerSecond(), switchboard.latency().p99());
                }
                if (!switchboard.saturated()) {
                    busiestUnsaturated = rate;
                }
                if (switchboard.saturated()) {
                    log("Switchboard saturated at %s turns/s offered: not stepping further", rate);
                    break;
                }
            }
            if (options.profileSeconds() > 0) {
                profile = profile(busiestUnsaturated, pids);
            }
        }
        Report report = new Report(environment(), reportSettings(), results, sustained, profile, seconds(began));
        report.print(System.out);
        Path out = options.out();
        report.writeJson(out.resolve("benchmarks.json"));
        report.writeMarkdown(out.resolve("benchmarks.md"));
        log("wrote %s and %s in %.0f s", out.resolve("benchmarks.md"), out.resolve("benchmarks.json"), seconds(began));
    }

    // ---------------------------------------------------------------- one step

    private Report.SystemResult measure(String system, double rate, int measureSeconds, TurnLatencyRecorder recorder,
            OpenLoadGenerator.Sender sender) throws Exception {
        long warmupMillis = options.warmupSeconds() * 1000L;
        long measureMillis = measureSeconds * 1000L;
        long now = System.currentTimeMillis();
        TurnLatencyRecorder.Step step = recorder.beginStep(now + warmupMillis, now + warmupMillis + measureMillis);
        Future<ProcessSampler.Snapshot> atStart = clock.schedule(sampler::snapshot, warmupMillis, TimeUnit.MILLISECONDS);
        Future<ProcessSampler.Snapshot> atEnd = clock.schedule(sampler::snapshot, warmupMillis + measureMillis,
                TimeUnit.MILLISECONDS);
        OpenLoadGenerator.Result load = OpenLoadGenerator.run(rate, warmupMillis, measureMillis,
                options.deadlineSeconds() * 1000L, sequence, sender);
        sequence += (long) (rate * (warmupMillis + measureMillis) / 1000) + 1;

        // Every turn of the step answered, or the deadline after the last send passed.
        long deadline = step.toMillis + options.deadlineSeconds() * 1000L;
        while (System.currentTimeMillis() < deadline
                && (System.currentTimeMillis() < step.toMillis + 1000 || recorder.pending(step) > 0)) {
            Thread.sleep(50);
        }
        ProcessSampler.Snapshot from = atStart.get();
        ProcessSampler.Snapshot to = atEnd.get();
        Report.SystemResult result;
        synchronized (recorder) {
            recorder.endStep();
            long noReply = recorder.pending(step);
            result = new Report.SystemResult(system, rate, load.sent(), load.accepted(), load.refused(), load.timedOut(),
                    noReply, Math.round(step.endsVisibleInWindow * 10.0 / measureSeconds) / 10.0,
                    Report.Latency.of(step.visible), Report.Latency.of(step.produced),
                    system.equals("switchboard") ? load.acceptP99Micros() / 1000.0 : -1,
                    ProcessSampler.machineBusyPercent(from, to), ProcessSampler.between(from, to));
        }
        log("%-11s %6s/s offered: %6.1f replies/s  p50 %4d  p90 %4d  p99 %5d  p99.9 %5d  max %5d ms  errors %d/%d/%d  "
                        + "machine CPU %.0f%%", system, rate, result.repliesPerSecond(), result.latency().p50(),
                result.latency().p90(), result.latency().p99(), result.latency().p999(), result.latency().max(),
                result.refused(), result.timedOut(), result.noReply(), result.machineCpuPercent());
        return result;
    }

    private void warmUp(double rate, int seconds, OpenLoadGenerator.Sender sender) throws InterruptedException {
        OpenLoadGenerator.run(rate, seconds * 1000L, 0, options.deadlineSeconds() * 1000L, sequence, sender);
        sequence += (long) (rate * seconds) + 1;
    }

    /** Waits (bounded) until Switchboard has answered every turn it took, so that a backlog does not spill into the next step. */
    private void quiesce(TurnLatencyRecorder turns) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        Thread.sleep(500);
        while (turns.backlog() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        if (turns.backlog() > 0) {
            log("%d turns still unanswered after waiting 90 s", turns.backlog());
        }
    }

    private Report.Profile profile(double rate, Map<String, Long> pids) throws Exception {
        Map<String, Long> jvms = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            if (SERVICES.contains(name) || name.equals("kafka")) {
                jvms.put(name, pid);
            }
        });
        JfrProfiler profiler = new JfrProfiler(jvms, stack.settings().home().resolve("jfr"));
        log("profiling the services with JFR for %d s at %s turns/s", options.profileSeconds(), rate);
        profiler.start();
        OpenLoadGenerator.run(rate, options.profileSeconds() * 1000L, 0, options.deadlineSeconds() * 1000L, sequence,
                this::postTurn);
        sequence += (long) (rate * options.profileSeconds()) + 1;
        Map<String, JfrProfiler.HotSpots> hotSpots = profiler.stop(8);
        return new Report.Profile(rate, options.profileSeconds(), hotSpots);
    }

    // ---------------------------------------------------------------- senders and readers

    /** One web chat message of session {@code sequence % sessions}, answered 202 once the turn is on the broker. */
    private CompletionStage<OpenLoadGenerator.Outcome> postTurn(long sequence) {
        String body = "{\"user\":\"" + user(sequence) + "\",\"text\":\"" + TEXT + "\"}";
        HttpRequest request = HttpRequest.newBuilder(messages)
                .header("X-Api-Key", LocalStack.DEMO_API_KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(options.deadlineSeconds()))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .thenApply(response -> response.statusCode() / 100 == 2
                        ? OpenLoadGenerator.Outcome.ACCEPTED : OpenLoadGenerator.Outcome.REFUSED);
    }

    private CompletionStage<OpenLoadGenerator.Outcome> sendToFloor(KafkaHopFloor floor, long sequence) {
        return floor.send(user(sequence), floor.mode().id + "-" + sequence);
    }

    private String user(long sequence) {
        return "bench-user-" + (sequence % options.sessions());
    }

    private static TurnLatencyRecorder switchboardRecorder(Map<String, Object> kafka) {
        var turns = Topics.TURNS_RAW.valueSerde().deserializer();
        var replies = Topics.REPLIES_OUTBOUND.valueSerde().deserializer();
        return new TurnLatencyRecorder("switchboard", kafka, Topics.TURNS_RAW.name(), Topics.REPLIES_OUTBOUND.name(),
                record -> {
                    TurnReceived turn = turns.deserialize(record.topic(), record.headers(), record.value());
                    return turn.getEnvelope().getTurnId();
                },
                record -> {
                    ReplyOutbound reply = replies.deserialize(record.topic(), record.headers(), record.value());
                    return new TurnLatencyRecorder.End(reply.getEnvelope().getTurnId(),
                            reply.getEnvelope().getOccurredAt().toEpochMilli());
                });
    }

    private static TurnLatencyRecorder floorRecorder(KafkaHopFloor floor, Map<String, Object> kafka) {
        return new TurnLatencyRecorder("floor-" + floor.mode().id, kafka, floor.firstTopic(), floor.lastTopic(),
                KafkaHopFloor::turnId,
                (ConsumerRecord<byte[], byte[]> record) -> new TurnLatencyRecorder.End(KafkaHopFloor.turnId(record),
                        record.timestamp()));
    }

    // ---------------------------------------------------------------- the rest

    private synchronized void stopStack() {
        if (stack != null) {
            stack.close();
            stack = null;
        }
    }

    private Report.Environment environment() throws IOException {
        Properties versions = new Properties();
        try (InputStream in = BenchmarkRunner.class.getResourceAsStream("/versions.properties")) {
            versions.load(in);
        }
        String cpu = "unknown CPU";
        long memoryKb = 0;
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            cpu = lines.filter(line -> line.startsWith("model name")).findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).trim()).orElse(cpu);
        }
        try (Stream<String> lines = Files.lines(Path.of("/proc/meminfo"))) {
            memoryKb = lines.filter(line -> line.startsWith("MemTotal:")).findFirst()
                    .map(line -> Long.parseLong(line.replaceAll("\\D", ""))).orElse(0L);
        }
        return new Report.Environment(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .replaceAll("\\.\\d+", ""), Runtime.getRuntime().availableProcessors(), cpu, memoryKb / 1024,
                System.getProperty("os.name") + " " + System.getProperty("os.version"),
                System.getProperty("java.runtime.version"), versions.getProperty("switchboard"), commit(),
                versions.getProperty("quarkus"), versions.getProperty("kafka"));
    }

    private String commit() {
        try {
            Process git = new ProcessBuilder("git", "-C", options.root().toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private Report.Settings reportSettings() {
        return new Report.Settings(options.sessions(), Topics.DEFAULT_PARTITIONS, TURN_HOPS, options.warmupSeconds(),
                options.measureSeconds(), options.floorSeconds(), options.deadlineSeconds(), options.rates(),
                options.command());
    }

    /** {@code count} distinct free ports: every socket stays bound until all are chosen, so none comes twice. */
    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.printf("[benchmark %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
    }

    /** Command-line options; every one has a default. */
    record Options(List<Double> rates, int sessions, int measureSeconds, int floorSeconds, int warmupSeconds,
            int deadlineSeconds, int profileSeconds, Path out, Path root, String command) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--no-profile")) {
                    given.put("--profile-seconds", "0");
                } else if (name.startsWith("--") && i + 1 < args.length) {
                    given.put(name, args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + name + "; see benchmark/README.md");
                }
            }
            Path root = Path.of(given.getOrDefault("--root", System.getProperty("switchboard.root", ".")))
                    .toAbsolutePath().normalize();
            return new Options(
                    Arrays.stream(given.getOrDefault("--rates", "10,20,30,40,50,60").split(","))
                            .map(String::trim).map(Double::parseDouble).toList(),
                    Integer.parseInt(given.getOrDefault("--sessions", "5000")),
                    Integer.parseInt(given.getOrDefault("--seconds", "20")),
                    Integer.parseInt(given.getOrDefault("--floor-seconds", "10")),
                    Integer.parseInt(given.getOrDefault("--warmup", "5")),
                    Integer.parseInt(given.getOrDefault("--deadline", "10")),
                    Integer.parseInt(given.getOrDefault("--profile-seconds", "20")),
                    root.resolve(given.getOrDefault("--out", "docs")), root,
                    "java -cp 'benchmark/target/*:benchmark/target/lib/*' dev.switchboard.benchmark.BenchmarkRunner" + (args.length == 0 ? ""
                            : " " + String.join(" ", args)));
        }
    }
}
