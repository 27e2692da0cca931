package dev.switchboard.agent.model.providers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on a free local port that answers with recorded provider responses, in order, and
 * keeps every request it received.
 */
final class RecordedProviderServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded answer: status, headers and JSON body, as stored under {@code recorded/}. */
    record Recorded(int status, Map<String, String> headers, String body, Duration delay) {

        static Recorded load(String resource) {
            try (InputStream in = RecordedProviderServer.class.getResourceAsStream("/recorded/" + resource)) {
                if (in == null) {
                    throw new IllegalArgumentException("no recorded response " + resource);
                }
                JsonNode node = JSON.readTree(in);
                Map<String, String> headers = JSON.convertValue(node.path("headers"),
                        JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
                return new Recorded(node.path("status").asInt(), headers, node.path("body").toString(), Duration.ZERO);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Recorded delayedBy(Duration wait) {
            return new Recorded(status, headers, body, wait);
        }
    }

    /** One request as the server received it. */
    record Received(String method, String path, String query, Map<String, List<String>> headers, JsonNode body,
            long receivedAtNanos) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Deque<Recorded> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private volatile Recorded otherwise;

    RecordedProviderServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** Answers the next request with {@code response}, after those already queued. */
    RecordedProviderServer then(Recorded response) {
        synchronized (script) {
            script.add(response);
        }
        return this;
    }

    /** Answers every request beyond the queued ones with {@code response}. */
    RecordedProviderServer always(Recorded response) {
        otherwise = response;
        return this;
    }

    List<Received> requests() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] bytes = exchange.getRequestBody().readAllBytes();
            JsonNode body = bytes.length == 0 ? JSON.missingNode() : JSON.readTree(bytes);
            received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getQuery(), Map.copyOf(exchange.getRequestHeaders()), body,
                    System.nanoTime()));
            Recorded response;
            synchronized (script) {
                response = script.isEmpty() ? otherwise : script.poll();
            }
            if (response == null) {
                exchange.sendResponseHeaders(599, -1);
                return;
            }
            if (!response.delay().isZero()) {
                Thread.sleep(response.delay().toMillis());
            }
            response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] out = response.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(response.status(), out.length);
            try (OutputStream stream = exchange.getResponseBody()) {
                stream.write(out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // the client gave up (a timeout test): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
