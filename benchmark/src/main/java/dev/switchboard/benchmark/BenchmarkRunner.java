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
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;

import org.apache.kafka.clients.consumer.ConsumerRecord;

import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;

/**
 * Measures what a user of Switchboard sees and what a turn costs, against the floor of bare Kafka hops, on one
 * broker, in one run.
 *
 * <p>It starts the local stack (PostgreSQL, a broker process, the five packaged services; offline model) on free
 * ports (API and management) with a fresh data directory, the gateway's per-tenant ingress limits lifted (it
 * measures the runtime, not the limiter); measures the idle stack's CPU; starts two floors on the same broker
 * (plain and exactly-once relays over as many hops as a turn makes); opens the reply streams (SSE) of the
 * streaming users; times sequential synchronous turns; then, for each user mix ({@code returning}: a fixed set of
 * users round-robin, half of the turns synchronous ({@code ?wait}), half through the session's SSE stream;
 * {@code new}: every turn a new user's, synchronous), steps the offered rate up until a step is not sustained
 * (user-visible p99 under 1 s, no errors), measuring at each step the user-visible latency over HTTP, the turn on
 * the broker, and CPU per turn per process; the floors at every rate stepped. It profiles the services and the
 * broker with JFR (CPU and wall-clock events) at the returning mix's saturation point and writes the report.
 *
 * <p>Every Kafka client of the benchmark connects to the SASL/SCRAM broker as the super user {@code admin}, so the
 * floor's relays authenticate as the services do.
 *
 * <p>Usage: see {@code benchmark/README.md}.
 */
public final class BenchmarkRunner {

    /** Relay hops of a turn: turns.raw → turns.cleared → agent.&lt;id&gt;.tasks → agent.results.raw → agent.results.cleared → replies.outbound. */
    static final int TURN_HOPS = 5;

    static final String TEXT = "Hello, could you help me with my order, please?";
    /** The offered rates stepped through unless {@code --rates} names others: until a step is not sustained. */
    static final List<Double> LADDER = List.of(5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0, 500.0, 640.0, 800.0, 1000.0, 1280.0);
    static final List<String> MIXES = List.of("returning", "new");
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

    /** A user mix: who sends each turn, and how it reads the reply. */
    private record Mix(String name, String users, OpenLoadGenerator.Sender sender) {
    }

    private final Options options;
    private final ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
    private LocalStack stack;
    private WebChatClient web;
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
        LocalSettings settings = stackSettings(root, home);
        if (options.streamThreads() > 0) {
            // One machine shared by every process: the services' default (a thread per core each) can be overridden.
            Map<String, String> threads = Map.of("kafka-streams.num.stream.threads", Integer.toString(options.streamThreads()));
            for (String module : List.of("gateway-service", "supervisor-service", "memory-service")) {
                settings = settings.withProperties(module, threads);
            }
        }
        log("starting the stack in %s", home);
        stack = LocalStack.start(settings);
        log("stack ready after %.0f s", seconds(began));

        Map<String, Long> pids = new LinkedHashMap<>(stack.processIds());
        pids.put("benchmark", ProcessHandle.current().pid());
        // PostgreSQL's backends and agent-service's tool processes (a JVM per hosted agent) count with their parent.
        sampler = new ProcessSampler(pids, List.of("postgresql", "agent-service"));
        web = new WebChatClient(settings.port("gateway-service"), options.deadlineSeconds());
        // Every Kafka client of the benchmark: bootstrap and SASL/SCRAM settings of the super user.
        Map<String, Object> kafka = stack.clientProperties(BrokerAccess.ADMIN);

        List<Mix> mixes = options.mixes().stream().map(this::mix).toList();
        List<Report.MixResult> mixResults = new ArrayList<>();
        Map<Double, Report.FloorResult> floors = new TreeMap<>();
        Report.Idle idle = null;
        Report.Sequential sequential = null;
        Report.Profile profile = null;
        try (TurnLatencyRecorder switchboardTurns = switchboardRecorder(kafka)) {
            double first = options.rates().get(0);
            prime(first, settings.managementPort("gateway-service"));
            Mix returning = mix("returning");
            // Long enough for the JIT compilers of every JVM to settle: measured fresh, they took a third of the machine.
            log("warming up for %d s at %s turns/s", options.startWarmupSeconds(), options.startWarmupRate());
            warmUp(options.startWarmupRate(), options.startWarmupSeconds(), returning.sender());
            quiesce(switchboardTurns);
            if (options.idleSeconds() > 0) {
                idle = measureIdle();
            }
            if (options.sequentialTurns() > 0) {
                sequential = sequentialTurns(options.sequentialTurns(), kafka);
            }
            try (KafkaHopFloor plain = KafkaHopFloor.start(KafkaHopFloor.Mode.PLAIN, kafka, settings.partitions(), TURN_HOPS);
                    KafkaHopFloor exactlyOnce = KafkaHopFloor.start(KafkaHopFloor.Mode.EXACTLY_ONCE, kafka,
                            settings.partitions(), TURN_HOPS);
                    TurnLatencyRecorder plainTurns = floorRecorder(plain, kafka);
                    TurnLatencyRecorder exactlyOnceTurns = floorRecorder(exactlyOnce, kafka)) {
                if (options.floorSeconds() > 0) {
                    warmUp(first, options.warmupSeconds(), (seq, due, measured) -> sendToFloor(plain, seq));
                    warmUp(first, options.warmupSeconds(), (seq, due, measured) -> sendToFloor(exactlyOnce, seq));
                }
                for (Mix mix : mixes) {
                    List<Report.Step> steps = new ArrayList<>();
                    for (double rate : options.rates()) {
                        Report.Step step = measure(mix, rate, switchboardTurns);
                        steps.add(step);
                        quiesce(switchboardTurns);
                        if (options.floorSeconds() > 0 && !floors.containsKey(rate)) {
                            Report.SystemResult floor = measureFloor("floor", rate, plainTurns,
                                    (seq, due, measured) -> sendToFloor(plain, seq));
                            Report.SystemResult floorExactlyOnce = measureFloor("floor-eos", rate, exactlyOnceTurns,
                                    (seq, due, measured) -> sendToFloor(exactlyOnce, seq));
                            floors.put(rate, new Report.FloorResult(rate, floor, floorExactlyOnce));
                        }
                        if (!step.sustained()) {
                            log("%s users: %s turns/s not sustained (%s): not stepping further", mix.name(), rate,
                                    step.verdict());
                            break;
                        }
                    }
                    mixResults.add(Report.MixResult.of(mix.name(), mix.users(), steps));
                }
            }
            if (options.profileSeconds() > 0) {
                Report.MixResult returningResult = mixResults.stream().filter(m -> m.mix().equals("returning"))
                        .findFirst().orElse(null);
                double rate = options.profileRate() > 0 ? options.profileRate()
                        : returningResult != null && returningResult.saturationPerSecond() != null
                                ? returningResult.saturationPerSecond() : first;
                quiesce(switchboardTurns);
                profile = profile(returning, rate, pids);
            }
        } finally {
            web.close();
        }
        List<Report.FloorResult> floorList = List.copyOf(floors.values());
        Report report = new Report(environment(), reportSettings(), idle, sequential, mixResults, floorList,
                Report.targets(idle, sequential, mixResults, floorList), profile, seconds(began));
        report.print(System.out);
        Path out = options.out();
        report.writeJson(out.resolve("benchmarks.json"));
        report.writeMarkdown(out.resolve("benchmarks.md"));
        log("wrote %s and %s in %.0f s", out.resolve("benchmarks.md"), out.resolve("benchmarks.json"), seconds(began));
    }

    private Mix mix(String name) {
        int sessions = options.sessions();
        int streamSessions = options.streamSessions();
        return switch (name) {
            case "returning" -> new Mix(name, String.format(Locale.ROOT, "every turn from one of a fixed set of users, "
                            + "round-robin, each primed with one turn before the warm-up: %s",
                    streamSessions == 0 ? sessions + " users, every turn synchronous (`?wait`)"
                            : "even turns synchronous (`?wait`) over " + sessions + " users, odd turns posted (202) by "
                                    + streamSessions + " other users whose reply streams (SSE) stay open, the reply read "
                                    + "from the stream"),
                    (seq, due, measured) -> streamSessions > 0 && seq % 2 == 1
                            ? web.viaStream(streamUser((seq / 2) % streamSessions), due, measured)
                            : web.sync(syncUser((streamSessions > 0 ? seq / 2 : seq) % sessions), measured));
            case "new" -> new Mix(name, "every turn from a user never seen before (a new session), synchronous (`?wait`): "
                            + "a new user has no session id to open a reply stream with before its first message",
                    (seq, due, measured) -> web.sync("bench-new-" + seq, measured));
            default -> throw new IllegalArgumentException("unknown mix " + name + "; known: " + MIXES);
        };
    }

    private static String syncUser(long index) {
        return "bench-user-" + index;
    }

    private static String streamUser(long index) {
        return "bench-sse-" + index;
    }

    // ---------------------------------------------------------------- before the load

    /**
     * CPU of every process with no traffic: after the warm-up (a stack fresh from its start is still compiling), with
     * the reply streams of the streaming users open and the benchmark's reader of the turns connected, before the
     * floors start.
     */
    private Report.Idle measureIdle() throws InterruptedException {
        Thread.sleep(2000);
        log("measuring the idle stack for %d s", options.idleSeconds());
        ProcessSampler.Snapshot from = sampler.snapshot();
        Thread.sleep(options.idleSeconds() * 1000L);
        ProcessSampler.Snapshot to = sampler.snapshot();
        Map<String, Double> cpu = new LinkedHashMap<>();
        double stackCpu = 0;
        for (var e : ProcessSampler.between(from, to).entrySet()) {
            cpu.put(e.getKey(), e.getValue().cpuPercent());
            if (!e.getKey().equals("benchmark")) {
                stackCpu += e.getValue().cpuPercent();
            }
        }
        log("idle: %.1f %% of one core for the stack %s", stackCpu, cpu);
        return new Report.Idle(options.idleSeconds(), cpu, Math.round(stackCpu * 10) / 10.0);
    }

    /**
     * One turn for every returning user (so that the returning mix meets known users; posted, 202, at the first
     * rate), then the streaming users' reply streams, opened with the session ids the answers name.
     */
    private void prime(double rate, int gatewayManagementPort) throws Exception {
        if (!options.mixes().contains("returning")) {
            return;
        }
        int users = options.sessions() + options.streamSessions();
        log("priming %d returning users with one turn each at %s turns/s", users, rate);
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < users; i++) {
            long wait = start + (long) (i * 1e9 / rate) - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            answers.add(web.postWithBody(i < options.sessions() ? syncUser(i) : streamUser(i - options.sessions())));
        }
        int failed = 0;
        List<String> streamSessions = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            try {
                HttpResponse<String> answer = answers.get(i).get(options.deadlineSeconds() + 5L, TimeUnit.SECONDS);
                String session = WebChatClient.sessionId(answer.body());
                if (answer.statusCode() != 202 || session == null) {
                    failed++;
                } else if (i >= options.sessions()) {
                    streamSessions.add(session);
                }
            } catch (ExecutionException | TimeoutException e) {
                failed++;
            }
        }
        if (failed > 0) {
            log("%d priming turns were not accepted", failed);
        }
        streamSessions.forEach(web::openStream);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long open = -1;
        while (System.nanoTime() < deadline && (open = openReplyStreams(gatewayManagementPort)) < streamSessions.size()) {
            Thread.sleep(200);
        }
        log("%d reply streams open at the gateway (of %d)", open, streamSessions.size());
    }

    /** The gateway's gauge of open reply streams, from its metrics on the management port. */
    private static long openReplyStreams(int managementPort) {
        try {
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + managementPort + "/q/metrics")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            return metrics.body().lines().filter(line -> line.startsWith("switchboard_gateway_reply_streams"))
                    .map(line -> line.substring(line.lastIndexOf(' ') + 1))
                    .mapToLong(value -> (long) Double.parseDouble(value)).findFirst().orElse(-1);
        } catch (IOException | RuntimeException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Synchronous turns one after another (no other traffic): HTTP request → the answer with the reply; and, read
     * back from the path's topics, where their time went hop by hop ({@link HopTrace}).
     */
    private Report.Sequential sequentialTurns(int turns, Map<String, Object> kafka) throws InterruptedException {
        Histogram micros = new Histogram(3_600_000_000L, 3);
        long errors = 0;
        Map<org.apache.kafka.common.TopicPartition, Long> from = HopTrace.positions(kafka);
        List<HopTrace.Sent> sent = new ArrayList<>();
        for (int i = 0; i < turns; i++) {
            long requestMillis = System.currentTimeMillis();
            long start = System.nanoTime();
            try {
                HttpResponse<String> answer = web.syncWithBody(syncUser(i % options.sessions()))
                        .get(options.deadlineSeconds() + 5L, TimeUnit.SECONDS);
                if (answer.statusCode() == 200) {
                    micros.recordValue(Math.max(1, (System.nanoTime() - start) / 1000));
                    String turnId = HopTrace.turnId(answer.body());
                    if (turnId != null) {
                        sent.add(new HopTrace.Sent(turnId, requestMillis, System.currentTimeMillis()));
                    }
                } else {
                    errors++;
                }
            } catch (ExecutionException | TimeoutException e) {
                errors++;
            }
        }
        Report.Latency latency = Report.Latency.ofMicros(micros);
        log("%d sequential turns: p50 %d ms, p99 %d ms, max %d ms, %d errors", turns, latency.p50(), latency.p99(),
                latency.max(), errors);
        List<HopTrace.Segment> hops = HopTrace.segments(kafka, from, sent);
        hops.forEach(hop -> log("  %-50s p50 %4d ms  p99 %4d ms  (%d turns)", hop.name(), hop.p50(), hop.p99(),
                hop.count()));
        return new Report.Sequential(turns, latency, errors, hops);
    }

    // ---------------------------------------------------------------- one step

    private Report.Step measure(Mix mix, double rate, TurnLatencyRecorder recorder) throws Exception {
        long warmupMillis = options.warmupSeconds() * 1000L;
        long measureMillis = options.measureSeconds() * 1000L;
        long now = System.currentTimeMillis();
        TurnLatencyRecorder.Step step = recorder.beginStep(now + warmupMillis, now + warmupMillis + measureMillis);
        WebChatClient.Step users = web.beginStep();
        Future<ProcessSampler.Snapshot> atStart = clock.schedule(sampler::snapshot, warmupMillis, TimeUnit.MILLISECONDS);
        Future<ProcessSampler.Snapshot> atEnd = clock.schedule(sampler::snapshot, warmupMillis + measureMillis,
                TimeUnit.MILLISECONDS);
        OpenLoadGenerator.Result load = OpenLoadGenerator.run(rate, warmupMillis, measureMillis,
                (options.deadlineSeconds() + 3) * 1000L, sequence, mix.sender());
        sequence += (long) (rate * (warmupMillis + measureMillis) / 1000) + 1;

        // Every turn of the step answered (on the broker and on the streams), or the deadline after the last send passed.
        long deadline = step.toMillis + options.deadlineSeconds() * 1000L;
        while (System.currentTimeMillis() < deadline && (System.currentTimeMillis() < step.toMillis + 1000
                || recorder.pending(step) > 0 || users.missing() > 0)) {
            Thread.sleep(50);
        }
        web.endStep();
        ProcessSampler.Snapshot from = atStart.get();
        ProcessSampler.Snapshot to = atEnd.get();
        Histogram streamed = users.streamLatency();
        Histogram all = load.replies().copy();
        all.add(streamed);
        Report.UserVisible user = new Report.UserVisible(Report.Latency.ofMicros(load.replies()),
                Report.Latency.ofMicros(streamed), Report.Latency.ofMicros(all), Report.Latency.ofMicros(load.accepts()),
                users.syncSent.get(), users.syncRefused.get(), users.syncTimedOut.get(), users.streamSent.get(),
                users.streamRefused.get(), users.streamTimedOut.get(), users.missing());
        Report.Step result;
        synchronized (recorder) {
            recorder.endStep();
            long noReply = recorder.pending(step);
            Report.SystemResult switchboard = new Report.SystemResult("switchboard", rate, load.sent(),
                    load.replied() + load.accepted(), load.refused(), load.timedOut(), noReply,
                    Math.round(step.endsVisibleInWindow * 10.0 / options.measureSeconds()) / 10.0,
                    Report.Latency.of(step.visible), Report.Latency.of(step.produced), load.acceptP99Micros() / 1000.0,
                    ProcessSampler.machineBusyPercent(from, to), ProcessSampler.between(from, to));
            result = Report.Step.of(mix.name(), switchboard, user, step.endsVisibleInWindow);
        }
        log("%-9s %6s/s offered: %6.1f replies/s  sync p50 %4d p99 %5d  SSE p50 %4d p99 %5d  Kafka p50 %4d p99 %5d ms  "
                        + "errors %s · %d  CPU %.2f ms/turn  machine CPU %.0f%%  %s", mix.name(), rate,
                result.switchboard().repliesPerSecond(), user.sync().p50(), user.sync().p99(), user.stream().p50(),
                user.stream().p99(), result.switchboard().latency().p50(), result.switchboard().latency().p99(),
                user.errorsBrief(), result.switchboard().noReply(), result.stackCpuMsPerTurn(),
                result.switchboard().machineCpuPercent(), result.verdict());
        return result;
    }

    private Report.SystemResult measureFloor(String system, double rate, TurnLatencyRecorder recorder,
            OpenLoadGenerator.Sender sender) throws Exception {
        long warmupMillis = options.warmupSeconds() * 1000L;
        long measureMillis = options.floorSeconds() * 1000L;
        long now = System.currentTimeMillis();
        TurnLatencyRecorder.Step step = recorder.beginStep(now + warmupMillis, now + warmupMillis + measureMillis);
        Future<ProcessSampler.Snapshot> atStart = clock.schedule(sampler::snapshot, warmupMillis, TimeUnit.MILLISECONDS);
        Future<ProcessSampler.Snapshot> atEnd = clock.schedule(sampler::snapshot, warmupMillis + measureMillis,
                TimeUnit.MILLISECONDS);
        OpenLoadGenerator.Result load = OpenLoadGenerator.run(rate, warmupMillis, measureMillis,
                options.deadlineSeconds() * 1000L, sequence, sender);
        sequence += (long) (rate * (warmupMillis + measureMillis) / 1000) + 1;
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
                    noReply, Math.round(step.endsVisibleInWindow * 10.0 / options.floorSeconds()) / 10.0,
                    Report.Latency.of(step.visible), Report.Latency.of(step.produced), -1,
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

    /**
     * Waits (bounded) until Switchboard has answered every turn it took, so that a backlog does not spill into the
     * next step: at most 120 s, or until the backlog has not shrunk for 15 s (turns that will never be answered).
     */
    private void quiesce(TurnLatencyRecorder turns) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        Thread.sleep(500);
        long last = turns.backlog();
        long lastChange = System.nanoTime();
        while (turns.backlog() > 0 && System.nanoTime() < deadline
                && System.nanoTime() - lastChange < TimeUnit.SECONDS.toNanos(15)) {
            Thread.sleep(200);
            long backlog = turns.backlog();
            if (backlog != last) {
                last = backlog;
                lastChange = System.nanoTime();
            }
        }
        if (turns.backlog() > 0) {
            log("%d turns still unanswered after waiting", turns.backlog());
        }
    }

    private Report.Profile profile(Mix mix, double rate, Map<String, Long> pids) throws Exception {
        Map<String, Long> jvms = new LinkedHashMap<>();
        pids.forEach((name, pid) -> {
            if (SERVICES.contains(name) || name.equals("kafka")) {
                jvms.put(name, pid);
            }
        });
        JfrProfiler profiler = new JfrProfiler(jvms, stack.settings().home().resolve("jfr"));
        log("profiling the services with JFR for %d s at %s turns/s of %s users", options.profileSeconds(), rate,
                mix.name());
        profiler.start();
        OpenLoadGenerator.run(rate, options.profileSeconds() * 1000L, 0, options.deadlineSeconds() * 1000L, sequence,
                mix.sender());
        sequence += (long) (rate * options.profileSeconds()) + 1;
        Map<String, JfrProfiler.HotSpots> hotSpots = profiler.stop(8);
        return new Report.Profile(mix.name(), rate, options.profileSeconds(), hotSpots);
    }

    // ---------------------------------------------------------------- senders and readers

    private CompletionStage<OpenLoadGenerator.Outcome> sendToFloor(KafkaHopFloor floor, long sequence) {
        return floor.send("bench-user-" + (sequence % Math.max(1, options.sessions())), floor.mode().id + "-" + sequence);
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
        return commit(options.root());
    }

    /** The commit the code in {@code root} was built from ({@code git describe}), or "unknown". */
    public static String commit(Path root) {
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "describe", "--always", "--dirty")
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes()).trim();
            return git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private Report.Settings reportSettings() {
        return new Report.Settings(options.sessions(), options.streamSessions(), Topics.DEFAULT_PARTITIONS, TURN_HOPS,
                options.warmupSeconds(), options.startWarmupSeconds(), options.startWarmupRate(),
                options.measureSeconds(), options.floorSeconds(), options.deadlineSeconds(), options.rates(), options.explicitRates(), options.mixes(), options.command());
    }

    /** {@code count} distinct free ports: every socket stays bound until all are chosen, so none comes twice. */
    /**
     * The stack a benchmark runs: free ports for everything, a fresh data directory at {@code home}, the hosted
     * agents of the example team, the gateway's ingress limits lifted.
     */
    public static LocalSettings stackSettings(Path root, Path home) throws IOException {
        // Broker, controller, PostgreSQL, then API and management ports of gateway, compliance, supervisor, agent, memory.
        int[] ports = freePorts(13);
        return new LocalSettings(root, home, ports[0], ports[1], ports[2],
                LocalSettings.services(Arrays.copyOfRange(ports, 3, 8), Arrays.copyOfRange(ports, 8, 13)),
                Topics.DEFAULT_PARTITIONS, List.of("concierge", "billing-agent", "tech-support"))
                .withProperties("gateway-service", UNLIMITED_GATEWAY);
    }

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

    static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    static void log(String format, Object... args) {
        System.out.printf("[benchmark %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
    }

    /** Command-line options; every one has a default. */
    record Options(List<Double> rates, boolean explicitRates, List<String> mixes, int sessions, int streamSessions,
            int measureSeconds, int floorSeconds, int warmupSeconds, int startWarmupSeconds, double startWarmupRate,
            int deadlineSeconds, int idleSeconds,
            int sequentialTurns, int profileSeconds, double profileRate, int streamThreads, Path out, Path root,
            String command) {

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
            Set<String> known = Set.of("--rates", "--mixes", "--sessions", "--sse-sessions", "--seconds",
                    "--floor-seconds", "--warmup", "--start-warmup", "--start-warmup-rate", "--deadline", "--idle-seconds", "--sequential", "--profile-seconds",
                    "--profile-rate", "--stream-threads", "--out", "--root");
            for (String name : given.keySet()) {
                if (!known.contains(name)) {
                    throw new IllegalArgumentException("unknown option " + name + "; see benchmark/README.md");
                }
            }
            Path root = Path.of(given.getOrDefault("--root", System.getProperty("switchboard.root", ".")))
                    .toAbsolutePath().normalize();
            List<Double> rates = given.containsKey("--rates")
                    ? Arrays.stream(given.get("--rates").split(",")).map(String::trim).map(Double::parseDouble)
                            .sorted().toList()
                    : LADDER;
            List<String> mixes = Arrays.stream(given.getOrDefault("--mixes", String.join(",", MIXES)).split(","))
                    .map(String::trim).filter(m -> !m.isEmpty()).toList();
            for (String mix : mixes) {
                if (!MIXES.contains(mix)) {
                    throw new IllegalArgumentException("unknown mix " + mix + "; known: " + MIXES);
                }
            }
            int deadline = Integer.parseInt(given.getOrDefault("--deadline", "10"));
            if (deadline < 1 || deadline > 28) {
                throw new IllegalArgumentException("--deadline must be 1..28 s: it is also the ?wait of synchronous "
                        + "turns, which the gateway allows up to 30 s");
            }
            int sessions = Integer.parseInt(given.getOrDefault("--sessions", "100"));
            if (sessions < 1) {
                throw new IllegalArgumentException("--sessions must be at least 1");
            }
            return new Options(rates, given.containsKey("--rates"), mixes, sessions,
                    Integer.parseInt(given.getOrDefault("--sse-sessions", "20")),
                    Integer.parseInt(given.getOrDefault("--seconds", "20")),
                    Integer.parseInt(given.getOrDefault("--floor-seconds", "10")),
                    Integer.parseInt(given.getOrDefault("--warmup", "5")),
                    Integer.parseInt(given.getOrDefault("--start-warmup", "90")),
                    Double.parseDouble(given.getOrDefault("--start-warmup-rate", "30")),
                    deadline,
                    Integer.parseInt(given.getOrDefault("--idle-seconds", "10")),
                    Integer.parseInt(given.getOrDefault("--sequential", "50")),
                    Integer.parseInt(given.getOrDefault("--profile-seconds", "20")),
                    Double.parseDouble(given.getOrDefault("--profile-rate", "0")),
                    Integer.parseInt(given.getOrDefault("--stream-threads", "0")),
                    root.resolve(given.getOrDefault("--out", "docs")), root,
                    "java -cp 'benchmark/target/*:benchmark/target/lib/*' dev.switchboard.benchmark.BenchmarkRunner" + (args.length == 0 ? ""
                            : " " + String.join(" ", args)));
        }
    }
}
