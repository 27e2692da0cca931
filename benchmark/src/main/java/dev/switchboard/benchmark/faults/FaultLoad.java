package dev.switchboard.benchmark.faults;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.switchboard.deploy.local.LocalStack;

/**
 * The fault run's users: web chat clients of the demo tenant, as a careful client is written. Each user sends its
 * next message only once the last one is answered; each message has its own {@code messageId}, and a message answered
 * 503 (not confirmed), 504 (not answered in time) or not at all (connection refused, timeout) is sent again with the
 * same {@code messageId} (504: at once; 503 or no answer: after the gateway's {@code Retry-After}, backing off up to
 * 8 s), for up to {@link #GIVE_UP}. Messages are started at a steady rate by
 * taking the next idle user; when every user is busy a start is skipped and counted.
 *
 * <p>A tenth of the users ask for refunds (each turn calls the billing agent's side-effecting {@code refund} tool), a
 * tenth report problems that make the agents hand off, the rest chat. Every text carries an address under
 * {@link #MARKER}, which compliance redacts: finding it anywhere after compliance (a dead letter) means raw text
 * escaped.
 */
final class FaultLoad implements AutoCloseable {

    static final String MARKER = "fault.example";
    static final Duration GIVE_UP = Duration.ofMinutes(4);
    static final int WAIT_SECONDS = 20;

    /** What a user's turns do. */
    enum Kind { CHAT, REFUND, HANDOFF }

    record User(String name, Kind kind) {
    }

    /** One message and what its client saw in the end. */
    static final class Turn {
        final User user;
        final int seq;
        final String messageId;
        final String text;
        final long firstSentMs;
        volatile int attempts;
        volatile int status;
        volatile String turnId;
        volatile String sessionId;
        volatile String replyKind;
        volatile String replyAgent;
        volatile long answeredMs = -1;

        Turn(User user, int seq, String messageId, String text, long firstSentMs) {
            this.user = user;
            this.seq = seq;
            this.messageId = messageId;
            this.text = text;
            this.firstSentMs = firstSentMs;
        }

        boolean answered() {
            return status == 200;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();
    private final URI messages;
    private final String run;
    private final long epochNanos;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "fault-load");
        thread.setDaemon(true);
        return thread;
    });
    private final ConcurrentLinkedQueue<User> idle = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicInteger> sequence = new ConcurrentHashMap<>();
    private final List<Turn> turns = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong skipped = new AtomicLong();
    private ScheduledFuture<?> ticks;

    /**
     * @param epochNanos the run's time zero ({@link System#nanoTime}); turn times are milliseconds after it
     */
    FaultLoad(int gatewayPort, String run, int users, long epochNanos) {
        this.messages = URI.create("http://localhost:" + gatewayPort + "/v1/tenants/" + LocalStack.DEMO_TENANT
                + "/messages?wait=" + WAIT_SECONDS);
        this.run = run;
        this.epochNanos = epochNanos;
        for (int i = 0; i < users; i++) {
            Kind kind = i % 10 == 0 ? Kind.REFUND : i % 10 == 1 ? Kind.HANDOFF : Kind.CHAT;
            idle.add(new User("f" + run + "-" + i, kind));
        }
    }

    long nowMs() {
        return (System.nanoTime() - epochNanos) / 1_000_000;
    }

    /** Starts messages at {@code rate} a second until {@link #stopSending}. */
    synchronized void startSending(double rate) {
        skipped.set(0);
        ticks = scheduler.scheduleAtFixedRate(this::startNext, 0, Math.round(1e9 / rate), TimeUnit.NANOSECONDS);
    }

    synchronized void stopSending() {
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
    }

    /** Waits until every message sent is answered or given up; false if some are still open after {@code limit}. */
    boolean awaitSettled(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        return inFlight.get() == 0;
    }

    /** The turns started since the last call, and the starts skipped because every user was busy. */
    synchronized List<Turn> takeTurns() {
        List<Turn> taken = List.copyOf(turns);
        turns.clear();
        return taken;
    }

    long skipped() {
        return skipped.get();
    }

    private void startNext() {
        User user = idle.poll();
        if (user == null) {
            skipped.incrementAndGet();
            return;
        }
        int seq = sequence.computeIfAbsent(user.name(), name -> new AtomicInteger()).incrementAndGet();
        Turn turn = new Turn(user, seq, user.name() + "-m" + seq, text(user, seq), nowMs());
        synchronized (this) {
            turns.add(turn);
        }
        inFlight.incrementAndGet();
        attempt(turn);
    }

    static String text(User user, int seq) {
        String contact = " You can reach me at " + user.name() + "." + seq + "@" + MARKER + ".";
        return switch (user.kind()) {
            case REFUND -> "Please refund 1.00 of invoice INV-1001, message " + seq + "." + contact;
            case HANDOFF -> (seq % 2 == 1 ? "The app is broken again, message " : "I was charged twice, message ") + seq
                    + "." + contact;
            case CHAT -> "Hello, this is message " + seq + " of my conversation." + contact;
        };
    }

    private void attempt(Turn turn) {
        turn.attempts++;
        String body;
        try {
            body = JSON.writeValueAsString(Map.of("user", turn.user.name(), "text", turn.text,
                    "messageId", turn.messageId));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest request = HttpRequest.newBuilder(messages).timeout(Duration.ofSeconds(WAIT_SECONDS + 5L))
                .header("X-Api-Key", LocalStack.DEMO_API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, failure) -> {
            int status = failure != null ? -1 : response.statusCode();
            turn.status = status;
            if (status == 200 || status == 504) {
                read(turn, response.body());
            }
            if (status == 200) {
                turn.answeredMs = nowMs();
            }
            long delayMs = retryDelayMs(turn, status, response);
            if (delayMs >= 0 && nowMs() - turn.firstSentMs < GIVE_UP.toMillis()) {
                scheduler.schedule(() -> attempt(turn), delayMs, TimeUnit.MILLISECONDS);
                return;
            }
            idle.add(turn.user);
            inFlight.decrementAndGet();
        });
    }

    /**
     * When to send a message again, or -1 for not at all: at once after a 504 (the turn is accepted and still being
     * processed: the client waits again), after a 503 or no answer as the gateway's {@code Retry-After} says, but
     * backing off (1, 2, 4, then every 8 s, with jitter) so that a thousand clients do not hammer a stack that is down.
     */
    private static long retryDelayMs(Turn turn, int status, HttpResponse<String> response) {
        if (status == 504) {
            return 100;
        }
        if (status != 503 && status != -1) {
            return -1;
        }
        long backoff = 1000L << Math.min(3, turn.attempts - 1);
        long retryAfter = response == null ? 0 : response.headers().firstValue("Retry-After")
                .map(value -> Long.parseLong(value.strip()) * 1000).orElse(0L);
        return Math.max(backoff, retryAfter) + java.util.concurrent.ThreadLocalRandom.current().nextLong(500);
    }

    private static void read(Turn turn, String body) {
        try {
            JsonNode answer = JSON.readTree(body);
            turn.turnId = answer.path("turnId").asText(null);
            turn.sessionId = answer.path("sessionId").asText(null);
            turn.replyKind = answer.path("reply").path("kind").asText(null);
            turn.replyAgent = answer.path("reply").path("agent").asText(null);
        } catch (java.io.IOException e) {
            // an answer that is not JSON: its status says enough
        }
    }

    @Override
    public void close() {
        stopSending();
        scheduler.shutdownNow();
    }
}
