package dev.switchboard.benchmark.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.switchboard.benchmark.BenchmarkRunner;
import dev.switchboard.deploy.faults.HostileText;
import dev.switchboard.deploy.faults.PoisonRecords;
import dev.switchboard.deploy.local.LocalSettings;
import dev.switchboard.deploy.local.LocalStack;
import dev.switchboard.events.AgentResult;
import dev.switchboard.events.Envelope;
import dev.switchboard.events.Principal;
import dev.switchboard.events.ReplyOutbound;
import dev.switchboard.events.TurnReceived;
import dev.switchboard.schemas.DeadLetters;
import dev.switchboard.schemas.Topics;

/**
 * The fault-injection run: the embedded stack under steady web chat load (refunds through a side-effecting tool,
 * handoffs, chat), one fault at a time, and after each what users and the stack's own records show: every accepted
 * turn answered exactly once and in order, side effects not repeated, the audit trail complete and valid, budgets
 * debited once, nothing raw in a dead letter, and how long it took to recover. Writes {@code docs/reliability.md}
 * and {@code docs/reliability.json}. Not part of the test suite; see {@code benchmark/README.md}.
 */
public final class FaultRunner {

    static final List<String> AGENTS = List.of("concierge", "billing-agent", "tech-support");
    private static final List<String> SERVICES = List.of("gateway-service", "compliance-service", "supervisor-service",
            "agent-service", "memory-service");
    private static final List<String> WINDOW_TOPICS = List.of(Topics.TURNS_RAW.name(), Topics.AGENT_RESULTS_RAW.name(),
            Topics.REPLIES_OUTBOUND.name(), Topics.DEAD_LETTERS.name());
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Something done to the stack. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** Checks of a fault of its own kind, after the common ones; adds to the result's details and notes. */
    @FunctionalInterface
    interface Check {
        void run(Window window, Map<String, Object> details, List<String> problems) throws Exception;
    }

    /**
     * One fault: injected {@code lead} seconds into its window, undone {@code hold} later, then {@code tail} seconds
     * more of load.
     *
     * @param target the most seconds recovery may take; null when the fault has no recovery target
     */
    record Fault(String name, String description, Step inject, Duration hold, Step recover, Double target,
            Check check) {
    }

    /** Where a fault's window began on the topics, and what it did when. */
    record Window(Map<TopicPartition, Long> from, long startMs, long faultMs, long recoverMs, long readyMs, long endMs,
            List<FaultLoad.Turn> turns) {
    }

    /** What one fault did to users and to the stack's records. */
    record Result(String fault, String description, long turns, long startsSkipped, long accepted, long answered,
            long lost, long unconfirmed, long refused, long retried, Map<String, Long> replyKinds, long duplicatedReplies,
            long outOfOrderReplies, long refundTurns, long refundCalls, long refundsMade, long repeatedRefundKeys,
            long rawEvents, long unauditedEvents, boolean chainValid, boolean budgetDebitedOnce,
            Map<String, Long> deadLetters, long rawInDeadLetters, Double recoverySeconds, double longestGapSeconds,
            long p50Ms, long p99Ms, long maxMs, Double targetSeconds, long whatsAppMessages,
            long whatsAppDuplicateReplies, boolean passed, Map<String, Object> details, List<String> problems) {

        /** A fault whose checks could not run: failed, with why. */
        static Result unchecked(Fault fault, Exception why) {
            return new Result(fault.name(), fault.description(), 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0, 0, 0, 0,
                    0, 0, false, false, Map.of(), 0, null, 0, 0, 0, 0, fault.target(), 0, 0, false, Map.of(),
                    List.of("the run could not check this fault: " + why));
        }
    }

    private final Options options;
    private final long epoch = System.nanoTime();
    private LocalStack stack;
    private StackProbe probe;
    private FaultLoad load;
    private FakeModelProvider provider;
    private FakePaymentApi payments;
    private FakeWhatsApp whatsApp;
    private WhatsAppUsers whatsAppUsers;
    private volatile boolean brokerPaused;
    private volatile boolean databaseStopped;

    private FaultRunner(Options options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        FaultRunner runner = new FaultRunner(options);
        Runtime.getRuntime().addShutdownHook(new Thread(runner::close, "fault-run-stop"));
        int failed;
        try {
            failed = runner.run();
        } finally {
            runner.close();
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    private int run() throws Exception {
        provider = FakeModelProvider.start();
        payments = FakePaymentApi.start();
        whatsApp = FakeWhatsApp.start();
        Path home = options.root().resolve("benchmark/target/faults-" + Instant.now().toString().replace(':', '-'));
        LocalSettings settings = stackSettings(home);
        log("starting the stack in %s", home);
        stack = LocalStack.start(settings);
        probe = new StackProbe(stack);
        load = new FaultLoad(settings.port("gateway-service"), UUID.randomUUID().toString().substring(0, 6),
                options.users(), epoch);
        whatsAppUsers = new WhatsAppUsers(settings.port("gateway-service"), whatsApp,
                UUID.randomUUID().toString().substring(0, 6), 30);
        List<Fault> faults = faults(settings).stream()
                .filter(fault -> options.faults().isEmpty() || options.faults().contains(fault.name())).toList();
        log("warming up for %d s at %.0f turns/s", options.warmupSeconds(), options.rate());
        load.startSending(options.rate());
        Thread.sleep(options.warmupSeconds() * 1000L);
        load.stopSending();
        load.awaitSettled(FaultLoad.GIVE_UP);
        load.takeTurns();
        List<Result> results = new ArrayList<>();
        results.add(phase(new Fault("none", "no fault: the baseline under the same load", () -> { }, Duration.ZERO,
                () -> { }, null, null)));
        for (Fault fault : faults) {
            try {
                results.add(phase(fault));
            } catch (Exception e) {
                log("fault %s: the run could not check it: %s", fault.name(), e);
                results.add(Result.unchecked(fault, e));
                load.stopSending();
                whatsAppUsers.stop();
                load.awaitSettled(FaultLoad.GIVE_UP);
                load.takeTurns();
            }
        }
        ReliabilityReport.write(options.root().resolve(options.out()), options, results);
        long failed = results.stream().filter(result -> !result.passed()).count();
        log("%d of %d faults passed every check; report in %s/reliability.md", results.size() - failed, results.size(),
                options.out());
        return (int) failed;
    }

    private LocalSettings stackSettings(Path home) throws java.io.IOException {
        Map<String, String> agentService = new HashMap<>();
        for (String agent : AGENTS) {
            String model = "switchboard.models.fault-" + agent + ".";
            agentService.put(model + "provider", "openai");
            agentService.put(model + "base-url", provider.baseUrl());
            agentService.put(model + "model", agent);
            agentService.put(model + "timeout", "5s");
            agentService.put(model + "max-retries", "1");
            agentService.put(model + "initial-backoff", "200ms");
            agentService.put(model + "circuit-breaker-delay", "5s");
            agentService.put("switchboard.agent-service.models.\"" + agent + "\"", "fault-" + agent);
        }
        agentService.put("switchboard.agent-service.egress.\"billing-agent\".payments.url", payments.baseUrl());
        String demo = "switchboard.supervisor.tenants." + LocalStack.DEMO_TENANT + ".";
        Map<String, String> supervisor = Map.of(
                "switchboard.supervisor.default-scopes", "chat,billing:read,billing:refund,support:read",
                demo + "rules[0].pattern", "refund",
                demo + "rules[0].agent", "billing-agent",
                demo + "session-tokens", "100000000",
                demo + "daily-tokens", "100000000000");
        return BenchmarkRunner.stackSettings(options.root(), home)
                .withProperties("gateway-service", whatsApp.gatewaySettings())
                .withProperties("agent-service", agentService)
                .withProperties("supervisor-service", supervisor);
    }

    private List<Fault> faults(LocalSettings settings) {
        List<Fault> faults = new ArrayList<>();
        // The record faults come before the crashes: poison stays on the compacted topics, so every restart after it
        // reads it again.
        Map<String, Object> webhooks = new HashMap<>();
        faults.add(new Fault("webhooks", "WhatsApp webhooks of 30 users, 3 messages each, every webhook delivered "
                + "three times and all of them shuffled", () -> webhooks.putAll(deliverWebhooks(settings)),
                Duration.ZERO, () -> { }, null, (window, details, problems) ->
                checkWebhooks(window, webhooks, details, problems)));
        Set<String> poisoned = new HashSet<>();
        faults.add(new Fault("poison", "one undecodable record on every topic a service or agent reads",
                () -> poisoned.addAll(poison()), Duration.ZERO, () -> { }, null,
                (window, details, problems) -> checkPoison(window, poisoned, details, problems)));
        Map<String, Object> hostile = new HashMap<>();
        faults.add(new Fault("hostile-64k", "64 KiB of hostile text: through the web chat API, at the API's longest "
                + "text, and as a turn written straight to turns.raw", () -> hostile.putAll(sendHostile(settings)),
                Duration.ZERO, () -> { }, null, (window, details, problems) ->
                checkHostile(hostile, details, problems)));
        for (String module : SERVICES) {
            faults.add(new Fault("kill-" + module.replace("-service", ""), "`kill -9` of " + module
                    + ", started again 3 s later", () -> stack.kill(module), Duration.ofSeconds(3),
                    () -> stack.restart(module, Duration.ofMinutes(3)), 10.0, null));
        }
        faults.add(new Fault("kill-broker", "`kill -9` of the Kafka broker, started again 5 s later", stack::killBroker,
                Duration.ofSeconds(5), stack::restartBroker, 30.0, null));
        faults.add(new Fault("pause-broker", "the broker stopped with SIGSTOP for 40 s (past the clients' 30 s request "
                + "timeout), then SIGCONT", () -> {
                    stack.pauseBroker();
                    brokerPaused = true;
                }, Duration.ofSeconds(40), () -> {
                    stack.resumeBroker();
                    brokerPaused = false;
                }, 30.0, null));
        faults.add(new Fault("stop-postgres", "PostgreSQL stopped for 60 s, then started again", () -> {
                    stack.stopDatabase();
                    databaseStopped = true;
                }, Duration.ofSeconds(60), () -> {
                    stack.startDatabase();
                    databaseStopped = false;
                }, 30.0, null));
        faults.add(new Fault("provider-500", "the model provider answers 500 to every call for 30 s",
                () -> provider.mode(FakeModelProvider.Mode.ERROR_500), Duration.ofSeconds(30),
                () -> provider.mode(FakeModelProvider.Mode.NORMAL), 30.0, null));
        faults.add(new Fault("provider-timeout", "the model provider holds every call without answering for 30 s",
                () -> provider.mode(FakeModelProvider.Mode.TIMEOUT), Duration.ofSeconds(30),
                () -> provider.mode(FakeModelProvider.Mode.NORMAL), 30.0, null));
        return faults;
    }

    private Result phase(Fault fault) throws Exception {
        log("fault %s: %s", fault.name(), fault.description());
        Map<TopicPartition, Long> from = probe.ends(WINDOW_TOPICS);
        long callsBefore = payments.calls();
        long refundsBefore = payments.refunds();
        long repeatedBefore = payments.repeatedKeys();
        long channelMessagesBefore = whatsAppUsers.messages();
        long channelDuplicatesBefore = whatsAppUsers.duplicates();
        long startMs = load.nowMs();
        load.startSending(options.rate());
        whatsAppUsers.start();
        Thread.sleep(options.leadSeconds() * 1000L);
        long faultMs = load.nowMs();
        fault.inject().run();
        Thread.sleep(fault.hold().toMillis());
        long recoverMs = load.nowMs();
        fault.recover().run();
        long readyMs = load.nowMs();
        Thread.sleep(options.tailSeconds() * 1000L);
        load.stopSending();
        whatsAppUsers.stop();
        long skipped = load.skipped();
        boolean settled = load.awaitSettled(FaultLoad.GIVE_UP.plusSeconds(30));
        whatsAppUsers.awaitReplies(90);
        long endMs = load.nowMs();
        Window window = new Window(from, startMs, faultMs, recoverMs, readyMs, endMs, load.takeTurns());
        log("fault %s: %d turns sent, checking", fault.name(), window.turns().size());

        List<String> problems = new ArrayList<>();
        if (!settled) {
            problems.add("some clients were still waiting " + FaultLoad.GIVE_UP.plusSeconds(30).toSeconds()
                    + " s after the load stopped");
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("faultAtSeconds", (faultMs - startMs) / 1000.0);
        details.put("recoverAtSeconds", (recoverMs - startMs) / 1000.0);
        details.put("restartSeconds", (readyMs - recoverMs) / 1000.0);
        long channelMessages = whatsAppUsers.messages() - channelMessagesBefore;
        long channelDuplicates = whatsAppUsers.duplicates() - channelDuplicatesBefore;
        if (whatsAppUsers.missing() > 0) {
            problems.add("WhatsApp: " + whatsAppUsers.missing() + " messages accepted without a reply sent");
        }
        if (fault.check() != null) {
            fault.check().run(window, details, problems);
        }
        return result(fault, window, skipped, callsBefore, refundsBefore, repeatedBefore, channelMessages,
                channelDuplicates, details, problems);
    }

    private Result result(Fault fault, Window window, long skipped, long callsBefore, long refundsBefore,
            long repeatedBefore, long channelMessages, long channelDuplicates, Map<String, Object> details,
            List<String> problems) throws Exception {
        List<FaultLoad.Turn> turns = window.turns();
        Map<String, FaultLoad.Turn> byTurnId = new HashMap<>();
        turns.stream().filter(turn -> turn.turnId != null).forEach(turn -> byTurnId.put(turn.turnId, turn));
        long accepted = byTurnId.size();
        long answered = turns.stream().filter(FaultLoad.Turn::answered).count();
        long lost = turns.stream().filter(turn -> turn.turnId != null && !turn.answered()).count();
        long unconfirmed = turns.stream().filter(turn -> turn.turnId == null && (turn.status == 503 || turn.status == -1))
                .count();
        long refused = turns.stream().filter(turn -> turn.status >= 400 && turn.status < 500).count();
        long retried = turns.stream().filter(turn -> turn.attempts > 1).count();
        Map<String, Long> kinds = new TreeMap<>();
        turns.stream().filter(FaultLoad.Turn::answered)
                .forEach(turn -> kinds.merge(String.valueOf(turn.replyKind), 1L, Long::sum));

        // Replies on replies.outbound: how many per turn, and where (a session's replies share a partition).
        Map<String, List<Long>> replyOffsets = new HashMap<>();
        probe.read(Topics.REPLIES_OUTBOUND.name(), window.from(), record -> {
            ReplyOutbound reply = StackProbe.decode(Topics.REPLIES_OUTBOUND, record);
            if (reply != null && byTurnId.containsKey(reply.getEnvelope().getTurnId())) {
                replyOffsets.computeIfAbsent(reply.getEnvelope().getTurnId(), id -> new ArrayList<>())
                        .add(record.offset());
            }
        });
        long duplicated = replyOffsets.values().stream().mapToLong(offsets -> offsets.size() - 1L).sum();
        long withoutReply = turns.stream().filter(turn -> turn.answered() && !replyOffsets.containsKey(turn.turnId))
                .count();
        if (withoutReply > 0) {
            problems.add(withoutReply + " turns answered over HTTP have no reply on replies.outbound");
        }
        long outOfOrder = 0;
        Map<String, List<FaultLoad.Turn>> byUser = new HashMap<>();
        turns.stream().filter(turn -> replyOffsets.containsKey(turn.turnId))
                .forEach(turn -> byUser.computeIfAbsent(turn.user.name(), name -> new ArrayList<>()).add(turn));
        for (List<FaultLoad.Turn> ofUser : byUser.values()) {
            ofUser.sort(Comparator.comparingInt(turn -> turn.seq));
            long last = -1;
            for (FaultLoad.Turn turn : ofUser) {
                long offset = Collections.min(replyOffsets.get(turn.turnId));
                if (offset < last) {
                    outOfOrder++;
                }
                last = Math.max(last, offset);
            }
        }

        // Side effects: refund turns answered, against what the payment service saw.
        long refundTurns = turns.stream().filter(turn -> turn.user.kind() == FaultLoad.Kind.REFUND && turn.answered()
                && "AGENT_REPLY".equals(turn.replyKind)).count();
        long refundCalls = payments.calls() - callsBefore;
        long refundsMade = payments.refunds() - refundsBefore;
        long repeatedKeys = payments.repeatedKeys() - repeatedBefore;

        // Audit: every raw event of the window has its row, and the tenant's chains verify.
        Set<String> rawEvents = new HashSet<>();
        probe.read(Topics.TURNS_RAW.name(), window.from(), record -> {
            TurnReceived turn = StackProbe.decode(Topics.TURNS_RAW, record);
            if (turn != null) {
                rawEvents.add(turn.getEnvelope().getEventId());
            }
        });
        probe.read(Topics.AGENT_RESULTS_RAW.name(), window.from(), record -> {
            AgentResult result = StackProbe.decode(Topics.AGENT_RESULTS_RAW, record);
            if (result != null) {
                rawEvents.add(result.getEnvelope().getEventId());
            }
        });
        Set<String> unaudited = probe.unaudited(rawEvents);
        JsonNode verification = probe.verifyAudit();
        boolean chainValid = verification.path("valid").asBoolean(false);
        if (!unaudited.isEmpty()) {
            details.put("unauditedExamples", unaudited.stream().limit(5).toList());
        }

        // Dead letters of the window: where from, and whether any holds raw text.
        Map<String, Long> deadLetters = new TreeMap<>();
        long[] raw = new long[1];
        probe.read(Topics.DEAD_LETTERS.name(), window.from(), record -> {
            deadLetters.merge(String.valueOf(StackProbe.header(record, DeadLetters.TOPIC)), 1L, Long::sum);
            if (StackProbe.contains(record, FaultLoad.MARKER)) {
                raw[0]++;
            }
        });

        boolean budgetOnce = budgetDebitedOnce(details, problems);

        // What users saw: latency, the longest time without any reply, and recovery.
        long[] latencies = turns.stream().filter(FaultLoad.Turn::answered)
                .mapToLong(turn -> turn.answeredMs - turn.firstSentMs).sorted().toArray();
        long[] answers = turns.stream().filter(FaultLoad.Turn::answered).mapToLong(turn -> turn.answeredMs)
                .filter(at -> at >= window.faultMs()).sorted().toArray();
        long gap = 0;
        long previous = window.faultMs();
        for (long at : answers) {
            gap = Math.max(gap, at - previous);
            previous = at;
        }
        Double recovery = null;
        if (fault.target() != null || !fault.name().equals("none")) {
            recovery = turns.stream().filter(turn -> turn.answered() && "AGENT_REPLY".equals(turn.replyKind)
                            && turn.firstSentMs >= window.faultMs() && turn.answeredMs >= window.readyMs())
                    .mapToLong(turn -> turn.answeredMs - window.readyMs()).min().stream()
                    .mapToDouble(ms -> ms / 1000.0).boxed().findFirst().orElse(0.0);
        }

        if (lost > 0) {
            problems.add(lost + " accepted turns were never answered");
        }
        if (unconfirmed > 0) {
            problems.add(unconfirmed + " messages were never confirmed (503 or no answer until the client gave up)");
        }
        if (duplicated > 0) {
            problems.add(duplicated + " duplicated replies");
        }
        if (outOfOrder > 0) {
            problems.add(outOfOrder + " replies out of order");
        }
        if (repeatedKeys > 0) {
            problems.add(repeatedKeys + " refunds were requested more than once with the same key "
                    + "(the payment service made each once)");
        }
        if (refundsMade != refundTurns) {
            details.put("refundsVersusRefundTurns", refundsMade + " refunds made for " + refundTurns
                    + " refund turns answered with an agent reply");
        }
        if (!unaudited.isEmpty()) {
            problems.add(unaudited.size() + " raw events have no audit row");
        }
        if (!chainValid) {
            problems.add("the audit trail does not verify: " + verification.path("brokenChains"));
        }
        if (raw[0] > 0) {
            problems.add(raw[0] + " dead letters hold raw text");
        }
        if (fault.target() != null && recovery != null && recovery > fault.target()) {
            problems.add(String.format("recovery took %.1f s, target %.0f s", recovery, fault.target()));
        }
        boolean passed = problems.isEmpty();
        Result result = new Result(fault.name(), fault.description(), turns.size(), skipped, accepted, answered, lost,
                unconfirmed, refused, retried, kinds, duplicated, outOfOrder, refundTurns, refundCalls, refundsMade,
                repeatedKeys, rawEvents.size(), unaudited.size(), chainValid, budgetOnce, deadLetters, raw[0], recovery,
                gap / 1000.0, percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies.length == 0 ? 0 : latencies[latencies.length - 1], fault.target(), channelMessages,
                channelDuplicates, passed, details, problems);
        log("fault %s: accepted %d, answered %d, lost %d, duplicated %d, out of order %d, recovery %s s, %s",
                fault.name(), accepted, answered, lost, duplicated, outOfOrder, recovery, passed ? "passed" : problems);
        return result;
    }

    /**
     * Whether the tenant's budget counts every result once: the supervisor's count of debited results and tokens
     * for today against the distinct results of the tenant on {@code agent.results.cleared}.
     */
    private boolean budgetDebitedOnce(Map<String, Object> details, List<String> problems) throws Exception {
        Map<String, Long> usageByTask = new HashMap<>();
        long[] records = new long[1];
        String today = java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString();
        probe.read(Topics.AGENT_RESULTS_CLEARED.name(), Map.of(), record -> {
            AgentResult result = StackProbe.decode(Topics.AGENT_RESULTS_CLEARED, record);
            if (result != null && LocalStack.DEMO_TENANT.equals(result.getEnvelope().getTenant())) {
                records[0]++;
                usageByTask.put(result.getTaskId(), result.getUsage().getInputTokens()
                        + result.getUsage().getOutputTokens());
            }
        });
        long tokens = usageByTask.values().stream().mapToLong(Long::longValue).sum();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode budget = JSON.createObjectNode();
        do {
            try {
                budget = probe.tenantBudget();
            } catch (IllegalStateException notReady) {
                // the supervisor answers 503 while its state is not readable (a rebalance): ask again
                details.put("budgetNotReadableAt", notReady.getMessage());
            }
            if (budget.path("results").asLong() == usageByTask.size() && budget.path("usedTokens").asLong() == tokens) {
                break;
            }
            Thread.sleep(1000);
        } while (System.nanoTime() < deadline);
        details.put("budget", Map.of("day", today, "debitedResults", budget.path("results").asLong(),
                "debitedTokens", budget.path("usedTokens").asLong(), "distinctResults", usageByTask.size(),
                "resultRecords", records[0], "tokensOfDistinctResults", tokens));
        boolean once = budget.path("results").asLong() == usageByTask.size()
                && budget.path("usedTokens").asLong() == tokens;
        if (!once) {
            problems.add("budget debited " + budget.path("results").asLong() + " results / "
                    + budget.path("usedTokens").asLong() + " tokens for " + usageByTask.size() + " distinct results / "
                    + tokens + " tokens");
        }
        return once;
    }

    /** Posts the webhooks; answers what was sent, for the check. */
    private Map<String, Object> deliverWebhooks(LocalSettings settings) throws Exception {
        int gateway = settings.port("gateway-service");
        List<String[]> posts = new ArrayList<>();
        Map<String, List<String>> messagesByUser = new LinkedHashMap<>();
        long now = System.currentTimeMillis() / 1000;
        String run = Long.toString(System.currentTimeMillis() % 1_000_000);
        for (int user = 0; user < 30; user++) {
            String waId = "1555" + (2000000 + Integer.parseInt(run) % 1000 * 1000 + user);
            for (int message = 1; message <= 3; message++) {
                String id = "wamid.fault-" + run + "-" + user + "-" + message;
                messagesByUser.computeIfAbsent(waId, key -> new ArrayList<>()).add(id);
                for (int copy = 0; copy < 3; copy++) {
                    posts.add(new String[] {waId, id, "WhatsApp message " + message + " from " + waId
                            + ", mail wa" + user + "@" + FaultLoad.MARKER, Long.toString(now + message)});
                }
            }
        }
        Collections.shuffle(posts, new Random(7));
        ExecutorService senders = Executors.newFixedThreadPool(8);
        Map<Integer, Long> statuses = new TreeMap<>();
        try {
            List<Future<Integer>> sent = new ArrayList<>();
            for (String[] post : posts) {
                sent.add(senders.submit(() -> FakeWhatsApp.deliver(gateway, post[0], post[1], post[2],
                        Long.parseLong(post[3]))));
            }
            for (Future<Integer> each : sent) {
                statuses.merge(each.get(), 1L, Long::sum);
            }
        } finally {
            senders.shutdown();
        }
        return Map.of("messagesByUser", messagesByUser, "posts", posts.size(), "statuses", statuses);
    }

    @SuppressWarnings("unchecked")
    private void checkWebhooks(Window window, Map<String, Object> sent, Map<String, Object> details,
            List<String> problems) throws Exception {
        Map<String, List<String>> messagesByUser = (Map<String, List<String>>) sent.get("messagesByUser");
        Set<String> ids = new HashSet<>();
        messagesByUser.values().forEach(ids::addAll);
        Map<String, Long> turnsByMessage = new HashMap<>();
        probe.read(Topics.TURNS_RAW.name(), window.from(), record -> {
            TurnReceived turn = StackProbe.decode(Topics.TURNS_RAW, record);
            if (turn != null && ids.contains(turn.getChannelMessageId())) {
                turnsByMessage.merge(turn.getChannelMessageId(), 1L, Long::sum);
            }
        });
        // Replies go out through channel delivery after the turn's reply: give it time to catch up.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (messagesByUser.entrySet().stream().anyMatch(user -> whatsApp.repliesTo(user.getKey())
                < user.getValue().size()) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        long duplicateTurns = turnsByMessage.values().stream().mapToLong(count -> count - 1).sum();
        long missingTurns = ids.size() - turnsByMessage.size();
        long repliesSent = 0;
        long duplicateReplies = 0;
        long missingReplies = 0;
        for (Map.Entry<String, List<String>> user : messagesByUser.entrySet()) {
            int replies = whatsApp.repliesTo(user.getKey());
            repliesSent += replies;
            duplicateReplies += Math.max(0, replies - user.getValue().size());
            missingReplies += Math.max(0, user.getValue().size() - replies);
        }
        details.put("webhookPosts", sent.get("posts"));
        details.put("webhookStatuses", sent.get("statuses"));
        details.put("webhookMessages", ids.size());
        details.put("webhookTurns", turnsByMessage.size());
        details.put("webhookDuplicateTurns", duplicateTurns);
        details.put("whatsAppRepliesSent", repliesSent);
        details.put("whatsAppDuplicateReplies", duplicateReplies);
        details.put("whatsAppMissingReplies", missingReplies);
        if (duplicateTurns > 0 || missingTurns > 0) {
            problems.add("webhook messages: " + missingTurns + " without a turn, " + duplicateTurns + " duplicate turns");
        }
        if (missingReplies > 0) {
            problems.add("webhook messages: " + missingReplies + " replies not delivered to WhatsApp");
        }
    }

    /** Writes one undecodable record to every topic a service or agent reads; answers the topics. */
    private Set<String> poison() {
        Set<String> inputs = PoisonRecords.inputTopics(AGENTS);
        PoisonRecords.write(probe.kafka(), inputs);
        log("poisoned %d topics: %s", inputs.size(), inputs);
        return inputs;
    }

    private void checkPoison(Window window, Set<String> poisoned, Map<String, Object> details, List<String> problems)
            throws Exception {
        Map<String, Long> deadLettered = new TreeMap<>();
        probe.read(Topics.DEAD_LETTERS.name(), window.from(), record -> {
            String source = StackProbe.header(record, DeadLetters.TOPIC);
            // Dead letters of raw topics keep the key but withhold the value: match the poison's key.
            if (source != null && poisoned.contains(source) && StackProbe.contains(record, PoisonRecords.keyOf(source))) {
                deadLettered.merge(source, 1L, Long::sum);
            }
        });
        Map<String, String> outcome = new TreeMap<>();
        for (String topic : poisoned) {
            outcome.put(topic, deadLettered.containsKey(topic) ? "dead-lettered (" + deadLettered.get(topic) + ")"
                    : PoisonRecords.READ_ON_REQUEST.contains(topic) ? "read only on request: skipped by the request"
                    : "not dead-lettered");
        }
        details.put("poisonedTopics", outcome);
        List<String> silent = outcome.entrySet().stream().filter(entry -> entry.getValue().startsWith("not"))
                .map(Map.Entry::getKey).toList();
        if (!silent.isEmpty()) {
            problems.add("poison: not dead-lettered from " + silent);
        }
    }

    /** Sends the hostile texts three ways; answers what came back, for the check. */
    private Map<String, Object> sendHostile(LocalSettings settings) throws Exception {
        Map<String, Object> sent = new LinkedHashMap<>();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String url = "http://localhost:" + settings.port("gateway-service") + "/v1/tenants/" + LocalStack.DEMO_TENANT
                + "/messages?wait=20";
        for (Map.Entry<String, Integer> each : Map.of("webChat64KiB", 64 * 1024, "webChatLongestText", 4000)
                .entrySet()) {
            String body = JSON.writeValueAsString(Map.of("user", "hostile-" + each.getKey(), "text",
                    HostileText.of(each.getValue()), "messageId", "hostile-" + UUID.randomUUID()));
            java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(url)).header("X-Api-Key", LocalStack.DEMO_API_KEY)
                    .header("Content-Type", "application/json").timeout(Duration.ofSeconds(40))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            JsonNode json = answer.body().isBlank() ? null : JSON.readTree(answer.body());
            sent.put(each.getKey(), Map.of("status", answer.statusCode(), "answer", json == null ? ""
                    : json.has("reply") ? "reply " + json.path("reply").path("kind").asText()
                    : json.path("type").asText(json.path("title").asText(""))));
        }
        String eventId = UUID.randomUUID().toString();
        String sessionId = UUID.randomUUID().toString();
        TurnReceived turn = TurnReceived.newBuilder()
                .setEnvelope(Envelope.newBuilder().setEventId(eventId).setTenant(LocalStack.DEMO_TENANT)
                        .setSessionId(sessionId).setTurnId(UUID.randomUUID().toString())
                        .setPrincipal(Principal.newBuilder().setTenant(LocalStack.DEMO_TENANT).setUser("hostile-direct")
                                .build())
                        .setChannel("webchat").setOccurredAt(Instant.now()).build())
                .setText(HostileText.of(64 * 1024)).build();
        try (KafkaProducer<String, TurnReceived> producer = new KafkaProducer<>(new HashMap<>(probe.kafka()),
                Topics.TURNS_RAW.keySerde().serializer(), Topics.TURNS_RAW.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.TURNS_RAW.name(), sessionId, turn)).get();
        }
        sent.put("turnsRawEventId", eventId);
        return sent;
    }

    private void checkHostile(Map<String, Object> sent, Map<String, Object> details, List<String> problems)
            throws Exception {
        details.putAll(sent);
        String eventId = (String) sent.get("turnsRawEventId");
        boolean audited = probe.unaudited(List.of(eventId)).isEmpty();
        details.put("turnsRawAudited", audited);
        if (!audited) {
            problems.add("hostile: the 64 KiB turn written to turns.raw has no audit row");
        }
    }

    private static long percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(quantile * sorted.length) - 1)];
    }

    private synchronized void close() {
        try {
            if (load != null) {
                load.close();
            }
            if (whatsAppUsers != null) {
                whatsAppUsers.close();
            }
            if (stack != null) {
                if (brokerPaused) {
                    stack.resumeBroker();
                }
                if (databaseStopped) {
                    stack.startDatabase();
                }
                stack.close();
                stack = null;
            }
        } catch (Exception e) {
            System.err.println("stopping the stack: " + e);
        }
        for (AutoCloseable fake : new AutoCloseable[] {provider, payments, whatsApp}) {
            try {
                if (fake != null) {
                    fake.close();
                }
            } catch (Exception e) {
                // stopping anyway
            }
        }
    }

    static void log(String format, Object... args) {
        System.out.printf("[faults %s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
    }

    /** Command-line options; every one has a default. */
    record Options(double rate, int users, int warmupSeconds, int leadSeconds, int tailSeconds, List<String> faults,
            Path out, Path root, String command) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i++) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("options are --name value pairs; see benchmark/README.md: "
                            + args[i]);
                }
                given.put(args[i], args[++i]);
            }
            Set<String> known = Set.of("--rate", "--users", "--warmup", "--lead", "--tail", "--faults", "--out", "--root");
            given.keySet().stream().filter(key -> !known.contains(key)).findFirst().ifPresent(key -> {
                throw new IllegalArgumentException("unknown option " + key + "; known: " + known);
            });
            Path root = Path.of(given.getOrDefault("--root", System.getProperty("switchboard.root", ".")))
                    .toAbsolutePath().normalize();
            if (!Files.isDirectory(root.resolve("benchmark"))) {
                throw new IllegalArgumentException("run it from the repository root, or give --root");
            }
            List<String> faults = given.containsKey("--faults")
                    ? Arrays.stream(given.get("--faults").split(",")).map(String::strip).toList() : List.of();
            return new Options(Double.parseDouble(given.getOrDefault("--rate", "50")),
                    Integer.parseInt(given.getOrDefault("--users", "1000")),
                    Integer.parseInt(given.getOrDefault("--warmup", "45")),
                    Integer.parseInt(given.getOrDefault("--lead", "10")),
                    Integer.parseInt(given.getOrDefault("--tail", "20")), faults, Path.of(given.getOrDefault("--out", "docs")),
                    root, "java -cp 'benchmark/target/*:benchmark/target/lib/*' " + FaultRunner.class.getName()
                            + (args.length == 0 ? "" : " " + String.join(" ", args)));
        }
    }
}
