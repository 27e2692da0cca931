package dev.switchboard.gateway.channels;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import com.sun.net.httpserver.HttpServer;

/**
 * A local HTTP server standing in for the platforms' send APIs: it records every request and answers with
 * scripted responses, or a default one per path prefix.
 */
public final class FakePlatform implements AutoCloseable {

    /** A request as the server received it. */
    public record Received(String method, String path, Map<String, List<String>> headers, String body) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    /** A scripted answer. */
    public record Answer(int status, String contentType, String body, Map<String, String> headers) {

        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body, Map.of());
        }
    }

    /** An answer, after a delay, to the requests a condition picks; checked before the scripted and default answers. */
    private record Rule(Predicate<Received> condition, Answer answer, Duration delay) {
    }

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "fake-platform");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> scripted = new ConcurrentHashMap<>();
    private final Map<String, Answer> defaults = new ConcurrentHashMap<>();

    public FakePlatform() {
        try {
            server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Requests are answered concurrently, as a platform does.
        server.setExecutor(handlers);
        server.createContext("/", exchange -> {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                handle(exchange);
            } finally {
                open.decrementAndGet();
            }
        });
        server.start();
    }

    private void handle(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Received request = new Received(exchange.getRequestMethod(), path, Map.copyOf(exchange.getRequestHeaders()), body);
        received.add(request);
        Rule rule = rules.stream().filter(r -> r.condition().test(request)).findFirst().orElse(null);
        Answer answer = rule != null ? rule.answer() : answerFor(path);
        if (rule != null && !rule.delay().isZero()) {
            try {
                Thread.sleep(rule.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    /**
     * Answers the requests that {@code condition} picks with {@code answer}, after {@code delay}, for as long as the
     * server runs; before any scripted or default answer.
     */
    public FakePlatform answerWhen(Predicate<Received> condition, Answer answer, Duration delay) {
        rules.add(new Rule(condition, answer, delay));
        return this;
    }

    /** The most requests that were being answered at the same time, so far. */
    public int mostConcurrentRequests() {
        return mostOpen.get();
    }

    public String baseUrl() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    /** The answer to requests whose path starts with the prefix, when nothing is scripted. */
    public FakePlatform byDefault(String pathPrefix, Answer answer) {
        defaults.put(pathPrefix, answer);
        return this;
    }

    /** Answers, in order, to the next requests whose path starts with the prefix. */
    public FakePlatform thenAnswer(String pathPrefix, Answer... answers) {
        scripted.computeIfAbsent(pathPrefix, p -> new ConcurrentLinkedDeque<>()).addAll(List.of(answers));
        return this;
    }

    public List<Received> received(Predicate<Received> condition) {
        return new ArrayList<>(received.stream().filter(condition).toList());
    }

    /** Waits until at least {@code count} requests satisfy the condition. */
    public List<Received> await(Predicate<Received> condition, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> matching = received(condition);
            if (matching.size() >= count) {
                return matching;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("fewer than " + count + " matching requests within " + timeout + "; got " + received);
    }

    private Answer answerFor(String path) {
        for (Map.Entry<String, Deque<Answer>> entry : scripted.entrySet()) {
            if (path.startsWith(entry.getKey())) {
                Answer next = entry.getValue().poll();
                if (next != null) {
                    return next;
                }
            }
        }
        return defaults.entrySet().stream().filter(e -> path.startsWith(e.getKey())).map(Map.Entry::getValue)
                .findFirst().orElse(Answer.json(404, "{\"error\":\"no such path\"}"));
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
