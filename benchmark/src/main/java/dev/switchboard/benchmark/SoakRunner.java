package dev.switchboard.benchmark;

import static dev.switchboard.benchmark.BenchmarkRunner.log;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Bytes;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.schemas.Topics;
import dev.switchboard.schemas.access.BrokerAccess;

/**
 * The soak: does any state store grow without bound? Runs the whole stack under a steady open-model load of
 * synchronous web chat turns from users drawn at random from a large set (each user its own session) for a long
 * time, with the idle-session expiry and the settled-id and dedupe retentions shortened to {@code --expiry} so that
 * forgetting happens within the soak, and samples every {@code --sample-minutes} what each Kafka Streams store
 * holds: its live entries (read from its changelog: the last value of each key, tombstones removed; for a window
 * store, the entries younger than its retention) and the bytes of its changelog on the broker. A bounded store
 * rises while sessions first appear and then levels off once the expiry forgets as many as arrive. Writes
 * {@code docs/soak.md} and {@code docs/soak.json}. Not part of the test suite.
 */
public final class SoakRunner {

    /** Options, each with a default; see {@code benchmark/README.md}. */
    record Options(int minutes, double rate, int sessions, Duration expiry, int sampleMinutes, int deadlineSeconds,
            Path out, Path root, String command) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i + 1 < args.length; i += 2) {
                if (!List.of("--minutes", "--rate", "--sessions", "--expiry-minutes", "--sample-minutes", "--deadline",
                        "--out", "--root").contains(args[i])) {
                    throw new IllegalArgumentException("unknown option " + args[i] + "; see benchmark/README.md");
                }
                given.put(args[i], args[i + 1]);
            }
            if (args.length % 2 != 0) {
                throw new IllegalArgumentException("every option takes a value; see benchmark/README.md");
            }
            Path root = Path.of(given.getOrDefault("--root", ".")).toAbsolutePath().normalize();
            return new Options(Integer.parseInt(given.getOrDefault("--minutes", "30")),
                    Double.parseDouble(given.getOrDefault("--rate", "20")),
                    Integer.parseInt(given.getOrDefault("--sessions", "50000")),
                    Duration.ofMinutes(Long.parseLong(given.getOrDefault("--expiry-minutes", "5"))),
                    Integer.parseInt(given.getOrDefault("--sample-minutes", "5")),
                    Integer.parseInt(given.getOrDefault("--deadline", "10")),
                    root.resolve(given.getOrDefault("--out", "docs")), root,
                    "java -cp 'benchmark/target/*:benchmark/target/lib/*' dev.switchboard.benchmark.SoakRunner"
                            + (args.length == 0 ? "" : " " + String.join(" ", args)));
        }
    }

    /** One store at one moment: live entries and the bytes of its changelog on the broker. */
    record StoreSize(long entries, long changelogBytes) {
    }

    /** Every store at one moment of the soak. */
    record Sample(double minute, long turnsSent, Map<String, StoreSize> stores) {
    }

    record Report(String date, String command, int minutes, double ratePerSecond, int sessions, long expiryMinutes,
            long sent, long replied, long refused, long timedOut, long p50Ms, long p99Ms, List<Sample> samples) {
    }

    private final Options options;

    private SoakRunner(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        new SoakRunner(Options.parse(args)).run();
    }

    private void run() throws Exception {
        Path home = options.root().resolve("benchmark/target/soak-" + System.currentTimeMillis());
        String expiry = options.expiry().toMinutes() + "m";
        LocalSettings settings = BenchmarkRunner.stackSettings(options.root(), home)
                .withProperties("supervisor-service", Map.of(
                        "switchboard.supervisor.session-idle-expiry", expiry,
                        "switchboard.supervisor.timeouts.settled-retention", expiry))
                .withProperties("memory-service", Map.of("switchboard.memory.session-idle-expiry", expiry))
                .withProperties("gateway-service", Map.of("switchboard.gateway.inbound.dedupe-retention", expiry));
        log("starting the stack in %s", home);
        try (LocalStack stack = LocalStack.start(settings);
                WebChatClient web = new WebChatClient(settings.port("gateway-service"), options.deadlineSeconds())) {
            Map<String, Object> kafka = stack.clientProperties(BrokerAccess.ADMIN);
            long sessions = options.sessions();
            OpenLoadGenerator.Sender sender = (seq, due, measured) ->
                    web.sync("soak-" + ThreadLocalRandom.current().nextLong(sessions), measured);
            long measureMillis = options.minutes() * 60_000L;
            AtomicReference<OpenLoadGenerator.Result> result = new AtomicReference<>();
            AtomicReference<Exception> failure = new AtomicReference<>();
            Thread load = new Thread(() -> {
                try {
                    result.set(OpenLoadGenerator.run(options.rate(), 0, measureMillis,
                            options.deadlineSeconds() * 1000L, 0, sender));
                } catch (Exception e) {
                    failure.set(e);
                }
            }, "soak-load");
            long began = System.nanoTime();
            List<Sample> samples = new ArrayList<>();
            samples.add(sample(kafka, 0, 0));
            load.start();
            for (int minute = options.sampleMinutes(); minute <= options.minutes(); minute += options.sampleMinutes()) {
                long wait = began + minute * 60_000_000_000L - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000);
                }
                samples.add(sample(kafka, BenchmarkRunner.seconds(began) / 60, (long) (options.rate() * minute * 60)));
            }
            load.join();
            if (failure.get() != null) {
                throw failure.get();
            }
            OpenLoadGenerator.Result outcome = result.get();
            Report report = new Report(Instant.now().toString(), options.command(), options.minutes(), options.rate(),
                    options.sessions(), options.expiry().toMinutes(), outcome.sent(), outcome.replied(),
                    outcome.refused(), outcome.timedOut(), outcome.replies().getValueAtPercentile(50) / 1000,
                    outcome.replies().getValueAtPercentile(99) / 1000, samples);
            Files.createDirectories(options.out());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).findAndRegisterModules()
                    .writeValue(options.out().resolve("soak.json").toFile(), report);
            Files.writeString(options.out().resolve("soak.md"), markdown(report));
            log("wrote %s and %s", options.out().resolve("soak.md"), options.out().resolve("soak.json"));
        }
    }

    private Sample sample(Map<String, Object> kafka, double minute, long sent) {
        Map<String, StoreSize> stores = new TreeMap<>();
        try (Admin admin = Admin.create(kafka)) {
            List<String> topics = admin.listTopics().names().get().stream()
                    .filter(topic -> topic.endsWith("-changelog") || topic.equals(Topics.SESSIONS_STATE.name()))
                    .sorted().toList();
            Map<String, Long> bytes = topicBytes(admin);
            for (String topic : topics) {
                Duration windowRetention = windowRetention(admin, topic);
                stores.put(storeName(topic), new StoreSize(liveEntries(kafka, topic, windowRetention),
                        bytes.getOrDefault(topic, 0L)));
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot sample the stores", e);
        }
        log("minute %.1f: %s", minute, stores);
        return new Sample(minute, sent, stores);
    }

    /** {@code sessions.state} (the supervisor's session table) or the store a changelog belongs to, with its app. */
    private static String storeName(String topic) {
        return topic.endsWith("-changelog") ? topic.substring(0, topic.length() - "-changelog".length()) : topic;
    }

    /**
     * The retention of a window store's changelog ({@code cleanup.policy} with {@code delete}; Kafka Streams sets
     * {@code retention.ms} to the store's retention plus a day), less that day: the store's own retention. Null for
     * a key-value store's changelog (compacted only).
     */
    private static Duration windowRetention(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        ConfigEntry policy = config.get("cleanup.policy");
        if (policy == null || !policy.value().contains("delete") || !topic.endsWith("-changelog")) {
            return null;
        }
        long retention = Long.parseLong(config.get("retention.ms").value());
        return Duration.ofMillis(Math.max(0, retention - Duration.ofDays(1).toMillis()));
    }

    /**
     * Live entries: the keys whose last record is not a tombstone; for a window store (its changelog key is the
     * record key, an 8-byte window start and a 4-byte sequence number) only the entries younger than its retention,
     * as the store itself drops older segments.
     */
    private static long liveEntries(Map<String, Object> kafka, String topic, Duration windowRetention) {
        Map<Bytes, Boolean> live = new HashMap<>();
        long oldest = windowRetention == null ? Long.MIN_VALUE : System.currentTimeMillis() - windowRetention.toMillis();
        List<TopicPartition> partitions;
        try (KafkaConsumer<byte[], byte[]> consumer = CommittedRecords.consumer(kafka)) {
            partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
        }
        CommittedRecords.read(kafka, partitions, Map.of(), Duration.ofMinutes(2), record -> {
            if (record.key() == null) {
                return;
            }
            Bytes key = Bytes.wrap(record.key());
            if (windowRetention != null) {
                byte[] raw = record.key();
                long windowStart = raw.length >= 12 ? ByteBuffer.wrap(raw, raw.length - 12, 8).getLong() : 0;
                if (windowStart < oldest) {
                    live.remove(key);
                    return;
                }
            }
            live.put(key, record.value() != null);
        });
        return live.values().stream().filter(Boolean::booleanValue).count();
    }

    /** The bytes of every topic on the broker's log directories, summed over its partitions. */
    private static Map<String, Long> topicBytes(Admin admin) throws Exception {
        Map<String, Long> bytes = new HashMap<>();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(admin.describeCluster().nodes().get().stream()
                .map(node -> node.id()).toList()).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
                }
            }
        }
        return bytes;
    }

    private static String markdown(Report report) {
        List<String> md = new ArrayList<>();
        md.add("# Soak: do the state stores stay bounded?");
        md.add("");
        md.add(String.format(Locale.ROOT, "Run on %s. Command: `%s`", report.date(), report.command()));
        md.add("");
        md.add(String.format(Locale.ROOT, "The whole stack (as in `benchmarks.md`) under %.0f synchronous web chat turns/s "
                        + "for %d minutes, each from a user drawn at random from %,d (a user is a session), with the "
                        + "idle-session expiry of the supervisor and memory, the supervisor's settled-id retention and "
                        + "the gateway's dedupe retention set to %d minutes (defaults: 24 h, 7 d, 7 d), so that "
                        + "forgetting happens within the soak. Turns sent %,d, answered %,d, refused %d, timed out %d; "
                        + "user-visible p50 %d ms, p99 %d ms.",
                report.ratePerSecond(), report.minutes(), report.sessions(), report.expiryMinutes(), report.sent(),
                report.replied(), report.refused(), report.timedOut(), report.p50Ms(), report.p99Ms()));
        md.add("");
        md.add("Live entries of each Kafka Streams store, read from its changelog (last value per key, tombstones "
                + "removed; window stores: entries younger than their retention), and in brackets the bytes of the "
                + "changelog on the broker (compaction and segment deletion reclaim those later, on the broker's own "
                + "schedule). `sessions.state` is memory's output topic, which the supervisor reads as its session "
                + "table.");
        md.add("");
        List<String> stores = report.samples().get(report.samples().size() - 1).stores().keySet().stream().toList();
        StringBuilder header = new StringBuilder("| store |");
        StringBuilder rule = new StringBuilder("|---|");
        for (Sample sample : report.samples()) {
            header.append(String.format(Locale.ROOT, " min %.0f |", sample.minute()));
            rule.append("---:|");
        }
        md.add(header.toString());
        md.add(rule.toString());
        for (String store : stores) {
            StringBuilder row = new StringBuilder("| `" + store + "` |");
            for (Sample sample : report.samples()) {
                StoreSize size = sample.stores().get(store);
                row.append(size == null ? " - |" : String.format(Locale.ROOT, " %,d (%s) |", size.entries(),
                        mebibytes(size.changelogBytes())));
            }
            md.add(row.toString());
        }
        md.add("");
        return String.join("\n", md);
    }

    private static String mebibytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }
}
