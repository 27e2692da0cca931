package dev.switchboard.benchmark;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.HdrHistogram.Histogram;

import dev.switchboard.deploy.local.LocalStack;

/**
 * The benchmark's web chat users, as a tenant's backend with the demo tenant's API key talks to the gateway: every
 * request is asynchronous ({@link HttpClient#sendAsync}), so a slow reply never holds up the next send.
 *
 * <ul>
 *   <li>{@link #sync}: {@code POST /v1/tenants/demo/messages?wait=<s>}; the answer is the reply (200) or, if none
 *   came in time, 504. Its latency, request due → answer read, is what a synchronous chat client sees.</li>
 *   <li>{@link #viaStream}: {@code POST /v1/tenants/demo/messages} (202 with the turn id) for a user whose reply
 *   stream, {@code GET /v1/tenants/demo/sessions/{sessionId}/replies} (Server-Sent Events), is open
 *   ({@link #openStream}); its latency, request due → the reply's event read from the stream, is what a streaming
 *   chat client sees.</li>
 * </ul>
 */
final class WebChatClient implements AutoCloseable {

    private static final Pattern TURN_ID = Pattern.compile("\"turnId\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern SESSION_ID = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"]+)\"");

    /**
     * The measured turns of one step: how many of each kind were sent and failed, and the streamed turns' latency
     * to their event, and how many got none.
     */
    static final class Step {
        final Histogram streamMicros = new Histogram(3_600_000_000L, 3);
        final AtomicLong syncSent = new AtomicLong();
        final AtomicLong syncRefused = new AtomicLong();
        final AtomicLong syncTimedOut = new AtomicLong();
        final AtomicLong streamSent = new AtomicLong();
        final AtomicLong streamRefused = new AtomicLong();
        final AtomicLong streamTimedOut = new AtomicLong();
        final AtomicLong expected = new AtomicLong();
        final AtomicLong received = new AtomicLong();

        synchronized void record(long micros) {
            streamMicros.recordValue(Math.max(1, micros));
            received.incrementAndGet();
        }

        synchronized Histogram streamLatency() {
            return streamMicros.copy();
        }

        /** Streamed turns accepted (202) whose event has not come. */
        long missing() {
            return expected.get() - received.get();
        }
    }

    private record Pending(long dueNanos, Step step) {
    }

    private final HttpClient posts = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpClient streams = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI messages;
    private final URI syncMessages;
    private final String sessionsBase;
    private final Duration timeout;
    private final Map<String, Pending> awaited = new ConcurrentHashMap<>();
    private final Map<String, Long> arrivedEarly = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<?>> openStreams = new ConcurrentHashMap<>();
    private final AtomicLong streamEvents = new AtomicLong();
    private final java.util.Set<Flow.Subscription> subscriptions = ConcurrentHashMap.newKeySet();
    private volatile Step step;
    private volatile boolean closed;

    /**
     * @param gatewayPort the gateway's HTTP port
     * @param waitSeconds the {@code ?wait} of synchronous requests; their HTTP timeout is two seconds longer, so
     *                    the gateway's 504 comes first
     */
    WebChatClient(int gatewayPort, int waitSeconds) {
        String tenant = "http://localhost:" + gatewayPort + "/v1/tenants/" + LocalStack.DEMO_TENANT;
        this.messages = URI.create(tenant + "/messages");
        this.syncMessages = URI.create(tenant + "/messages?wait=" + waitSeconds);
        this.sessionsBase = tenant + "/sessions/";
        this.timeout = Duration.ofSeconds(waitSeconds + 2L);
    }

    /**
     * A message of {@code user} that waits for its reply: REPLIED (200), TIMED_OUT (504) or REFUSED; a measured one
     * counts in the current {@link Step}.
     */
    CompletionStage<OpenLoadGenerator.Outcome> sync(String user, boolean measured) {
        Step current = measured ? step : null;
        if (current != null) {
            current.syncSent.incrementAndGet();
        }
        return posts.sendAsync(post(syncMessages, user), HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> {
                    OpenLoadGenerator.Outcome outcome = failure != null ? OpenLoadGenerator.Outcome.TIMED_OUT
                            : switch (response.statusCode()) {
                                case 200 -> OpenLoadGenerator.Outcome.REPLIED;
                                case 504 -> OpenLoadGenerator.Outcome.TIMED_OUT;
                                default -> OpenLoadGenerator.Outcome.REFUSED;
                            };
                    if (current != null && outcome == OpenLoadGenerator.Outcome.TIMED_OUT) {
                        current.syncTimedOut.incrementAndGet();
                    } else if (current != null && outcome == OpenLoadGenerator.Outcome.REFUSED) {
                        current.syncRefused.incrementAndGet();
                    }
                    return outcome;
                });
    }

    /** A synchronous message whose answer is returned whole (status and body), for the sequential turns and priming. */
    CompletableFuture<HttpResponse<String>> syncWithBody(String user) {
        return posts.sendAsync(post(syncMessages, user), HttpResponse.BodyHandlers.ofString());
    }

    /** A message that does not wait (202), its answer returned whole: for priming. */
    CompletableFuture<HttpResponse<String>> postWithBody(String user) {
        return posts.sendAsync(post(messages, user), HttpResponse.BodyHandlers.ofString());
    }

    /** The session id in a 200 or 202 answer's body. */
    static String sessionId(String body) {
        Matcher matcher = SESSION_ID.matcher(body);
        return matcher.find() ? matcher.group(1) : null;
    }

    /**
     * A message of a user whose stream is open; ACCEPTED on 202. A measured turn then counts in the current
     * {@link Step} with its latency from {@code dueNanos} to its event.
     */
    CompletionStage<OpenLoadGenerator.Outcome> viaStream(String user, long dueNanos, boolean measured) {
        Step current = measured ? step : null;
        if (current != null) {
            current.streamSent.incrementAndGet();
        }
        return posts.sendAsync(post(messages, user), HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            if (failure != null) {
                if (current != null) {
                    current.streamTimedOut.incrementAndGet();
                }
                return OpenLoadGenerator.Outcome.TIMED_OUT;
            }
            if (response.statusCode() != 202) {
                if (current != null) {
                    current.streamRefused.incrementAndGet();
                }
                return OpenLoadGenerator.Outcome.REFUSED;
            }
            Matcher matcher = TURN_ID.matcher(response.body());
            if (matcher.find()) {
                String turnId = matcher.group(1);
                if (current != null) {
                    current.expected.incrementAndGet();
                }
                Long arrived = arrivedEarly.remove(turnId);
                if (arrived != null) {
                    if (current != null) {
                        current.record((arrived - dueNanos) / 1000);
                    }
                } else {
                    awaited.put(turnId, new Pending(dueNanos, current));
                }
            }
            return OpenLoadGenerator.Outcome.ACCEPTED;
        });
    }

    /** Starts counting stream turns afresh; turns sent before belong to no step. */
    Step beginStep() {
        awaited.clear();
        arrivedEarly.clear();
        Step next = new Step();
        step = next;
        return next;
    }

    void endStep() {
        step = null;
    }

    /** Opens the reply stream of a session and keeps it open (reopened when it ends) until {@link #close}. */
    void openStream(String sessionId) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sessionsBase + sessionId + "/replies"))
                .header("X-Api-Key", LocalStack.DEMO_API_KEY)
                .header("Accept", "text/event-stream")
                .GET().build();
        CompletableFuture<?> stream = streams.sendAsync(request,
                HttpResponse.BodyHandlers.fromLineSubscriber(new EventLines()))
                .whenComplete((response, failure) -> {
                    if (closed) {
                        return;
                    }
                    System.err.println("reply stream of session " + sessionId + " ended ("
                            + (failure != null ? failure : "status " + response.statusCode()) + "); reopening it");
                    CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS)
                            .execute(() -> openStream(sessionId));
                });
        openStreams.put(sessionId, stream);
    }

    int streamCount() {
        return openStreams.size();
    }

    /** Events read from every stream so far. */
    long streamEvents() {
        return streamEvents.get();
    }

    private void onEvent(String turnId) {
        long now = System.nanoTime();
        streamEvents.incrementAndGet();
        Pending pending = awaited.remove(turnId);
        if (pending == null) {
            // The event overtook the 202 answer.
            arrivedEarly.put(turnId, now);
        } else if (pending.step() != null) {
            pending.step().record((now - pending.dueNanos()) / 1000);
        }
    }

    private HttpRequest post(URI uri, String user) {
        String body = "{\"user\":\"" + user + "\",\"text\":\"" + BenchmarkRunner.TEXT + "\"}";
        return HttpRequest.newBuilder(uri)
                .header("X-Api-Key", LocalStack.DEMO_API_KEY)
                .header("Content-Type", "application/json")
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** The lines of one stream: every {@code data:} line is one reply event with its turn id. */
    private final class EventLines implements Flow.Subscriber<String> {

        private Flow.Subscription subscription;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscriptions.add(subscription);
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(String line) {
            if (line.startsWith("data:")) {
                Matcher matcher = TURN_ID.matcher(line);
                if (matcher.find()) {
                    onEvent(matcher.group(1));
                }
            }
        }

        @Override
        public void onError(Throwable throwable) {
            subscriptions.remove(subscription);
        }

        @Override
        public void onComplete() {
            subscriptions.remove(subscription);
        }
    }

    @Override
    public void close() {
        closed = true;
        subscriptions.forEach(Flow.Subscription::cancel);
        openStreams.values().forEach(stream -> stream.cancel(true));
        openStreams.clear();
    }

    static List<String> users(String prefix, int count) {
        return java.util.stream.IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }
}
